"""Back-office views of the answer engine that change something: the wordings learned from use."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.answers.learning import phrasing_decide
from parvis.answers.models import LearnedPhrasing, SearchDocument
from parvis.answers.permissions import can_decide_phrasings
from parvis.answers.selectors import answer_query

PER_PAGE = 20


def _rank_now(phrasing: LearnedPhrasing) -> int | None:
    """Where the engine ranks the document for this wording today (1-based), None if not in
    the first ten: tells the editor whether approving it would change anything."""
    results = answer_query(query=phrasing.text, limit=10).results
    return next((i for i, item in enumerate(results, 1) if item.id == phrasing.document_key), None)


def phrasings_view(request: HttpRequest) -> HttpResponse:
    if not can_decide_phrasings(request.user):
        raise PermissionDenied
    statuses = dict(LearnedPhrasing.Status.choices)
    status = request.GET.get("statut", LearnedPhrasing.Status.PROPOSED)
    if status not in statuses:
        status = LearnedPhrasing.Status.PROPOSED
    page = Paginator(
        LearnedPhrasing.objects.filter(status=status).select_related("decided_by"), PER_PAGE
    ).get_page(request.GET.get("page"))
    documents = {
        doc.key: doc
        for doc in SearchDocument.objects.filter(
            key__in=[p.document_key for p in page.object_list]
        ).only("key", "title", "url")
    }
    rows = [
        {
            "phrasing": phrasing,
            "document": documents.get(phrasing.document_key),
            "rank": _rank_now(phrasing) if status == LearnedPhrasing.Status.PROPOSED else None,
        }
        for phrasing in page.object_list
    ]
    return render(
        request,
        "answers/admin/phrasings.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "statuses": statuses.items(),
            "counts": {s: LearnedPhrasing.objects.filter(status=s).count() for s in statuses},
        },
    )


@require_POST
def phrasing_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_decide_phrasings(request.user):
        raise PermissionDenied
    phrasing = get_object_or_404(LearnedPhrasing, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Décision inconnue : rien n'a été changé."))
    else:
        phrasing_decide(phrasing=phrasing, approve=decision == "approve", user=request.user)
        if decision == "approve":
            text = _("« %(text)s » est désormais une formulation de la page.")
            messages.success(request, text % {"text": phrasing.text})
        else:
            messages.success(request, _("« %(text)s » est écartée.") % {"text": phrasing.text})
    back = request.POST.get("statut", LearnedPhrasing.Status.PROPOSED)
    if back not in LearnedPhrasing.Status.values:
        back = LearnedPhrasing.Status.PROPOSED
    return HttpResponseRedirect(f"{reverse('answers_phrasings')}?statut={back}")
