"""Public pages of the questions asked in the street: the index and each question's results.

Only what the selectors make public is shown: published or closed questions, approved remarks
(their redacted text) and published follow-ups. The counts are live, so they are marked
``data-uncertified``; a follow-up shows the proof of the log entry that certifies it.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.content.models import Quartier
from parvis.listening.certified import followup_certified_latest
from parvis.listening.charts import bar_chart_svg, chart_description
from parvis.listening.models import FieldQuestion
from parvis.listening.selectors import (
    followups_public,
    question_public_get,
    question_results,
    questions_public,
)

PAGE_SIZE = 20
STATES = ("ouvertes", "closes")


def questions_filtered(*, state: str = "", quartier: Quartier | None = None) -> QuerySet:
    """Public questions, optionally only the open (``ouvertes``) or finished (``closes``) ones."""
    now = timezone.now()
    qs = questions_public(quartier=quartier)
    still_open = Q(status=FieldQuestion.Status.PUBLISHED, closes_at__gt=now)
    if state == "ouvertes":
        return qs.filter(still_open)
    if state == "closes":
        return qs.exclude(still_open)
    return qs


def questions_index(request: HttpRequest) -> HttpResponse:
    """``/questions/``: every question with public results, open ones and finished ones."""
    state = request.GET.get("etat", "")
    state = state if state in STATES else ""
    slug = request.GET.get("quartier", "")[:60]
    quartier = Quartier.objects.filter(slug=slug).first() if slug else None
    page = Paginator(questions_filtered(state=state, quartier=quartier), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page,
        "state": state,
        "quartier": quartier,
        "quartiers": Quartier.objects.order_by("name"),
    }
    return render(request, "listening/results/index.html", context)


def _place_links(question: FieldQuestion) -> dict[str, object]:
    lieu = question.lieu if question.lieu and question.lieu.live else None
    project = question.project.specific if question.project and question.project.live else None
    return {"lieu": lieu, "project": project}


def question_detail(request: HttpRequest, code: str) -> HttpResponse:
    """``/questions/<code>/``: the counts (table and chart), quotes, participation, follow-ups."""
    question = question_public_get(code[:12])
    if question is None:
        raise Http404
    results = question_results(question)
    rows = [(label, count) for label, count in results.counts]
    chart = None
    if rows and results.total:
        chart = bar_chart_svg(
            rows,
            title=_("Réponses à la question %(code)s") % {"code": question.code},
            desc=chart_description(rows, results.total),
            chart_id=f"chart-{question.code.lower()}",
        )
    followups = list(followups_public(question=question, limit=None))
    context = {
        "question": question,
        "results": results,
        "rows": [(label, count, results.percent(count)) for label, count in rows],
        "chart": chart,
        "followups": followups,
        "certified_followup": followup_certified_latest(followups),
        "is_open": question.is_open,
        **_place_links(question),
    }
    return render(request, "listening/results/detail.html", context)
