"""Open data and feeds of the questions asked in the street.

``donnees.csv`` / ``donnees.json``: per public question, the counts per answer, per channel and
per quartier, its approved remarks (redacted text) and published follow-ups; never a pending or
rejected remark, never a phone number or its hash. Each file is produced once per UTC day and its
SHA-256 signed in the transparency log, like the reports' exports (``ExportSnapshot``).
RSS/Atom: the newest public questions, for the whole city or one quartier.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from parvis.certification.open_data import certified_file_response
from parvis.content.models import Quartier
from parvis.core.text import xml_safe
from parvis.listening.models import FieldQuestion
from parvis.listening.selectors import (
    followups_public,
    question_results,
    questions_public,
    remarks_public,
)

FEED_SIZE = 50


def question_public_dict(question: FieldQuestion) -> dict[str, Any]:
    """The public description of a question (no agent account, only the lead's first name)."""
    return {
        "code": question.code,
        "text": question.text,
        "kind": question.kind,
        "choices": list(question.choices),
        "status": "open" if question.is_open else "closed",
        "quartier": question.quartier.slug if question.quartier else None,
        "quartier_name": question.quartier.name if question.quartier else None,
        "address": question.address,
        "latitude": str(question.latitude) if question.latitude is not None else None,
        "longitude": str(question.longitude) if question.longitude is not None else None,
        "service": question.service.name,
        "lead_name": question.lead_name,
        "opens_at": question.opens_at.isoformat(),
        "closes_at": question.closes_at.isoformat(),
        "answer_url": f"{settings.BASE_URL}{question.get_absolute_url()}",
        "results_url": f"{settings.BASE_URL}{question.results_url()}",
    }


def results_public_dict(question: FieldQuestion) -> dict[str, Any]:
    """A question's public figures, approved remarks and published follow-ups."""
    results = question_results(question, remarks_limit=0)
    return {
        "total": results.total,
        "answers": [{"label": label, "count": count} for label, count in results.counts],
        "by_channel": [{"channel": label, "count": count} for label, count in results.by_channel],
        "by_quartier": [
            {"quartier": label, "count": count} for label, count in results.by_quartier
        ],
        "remarks": [
            answer.remark_public
            for answer in remarks_public(question=question, limit=None).order_by("pk")
        ],
        "followups": [
            {
                "body": followup.body,
                "author_name": followup.author_name,
                "service": followup.service.name,
                "published_at": followup.published_at.isoformat(),
            }
            for followup in followups_public(question=question, limit=None).order_by("pk")
        ],
    }


def _all_questions() -> list[dict[str, Any]]:
    questions = questions_public().order_by("pk")
    return [question_public_dict(q) | results_public_dict(q) for q in questions]


def _json() -> bytes:
    data = {"questions": _all_questions()}
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()


CSV_FIELDS = ["code", "question", "quartier", "status", "dimension", "value", "count"]


def _csv() -> bytes:
    """One row per (question, dimension, value): answer, channel, quartier and the total."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for item in _all_questions():
        base = {
            "code": item["code"],
            "question": item["text"],
            "quartier": item["quartier"] or "",
            "status": item["status"],
        }
        writer.writerow(base | {"dimension": "total", "value": "", "count": item["total"]})
        for dimension, rows, key in (
            ("answer", item["answers"], "label"),
            ("channel", item["by_channel"], "channel"),
            ("quartier", item["by_quartier"], "quartier"),
        ):
            for row in rows:
                writer.writerow(
                    base | {"dimension": dimension, "value": row[key], "count": row["count"]}
                )
    return out.getvalue().encode()


_OPEN_DATA = {
    "listening_results:opendata_json": ("questions-resultats.json", "application/json", _json),
    "listening_results:opendata_csv": ("questions-resultats.csv", "text/csv", _csv),
}


def _open_data(request: HttpRequest, route: str) -> HttpResponse:
    """Today's certified snapshot (or a past day's: ``?periode=AAAA-MM-JJ``), with its proof."""
    name, content_type, produce = _OPEN_DATA[route]
    return certified_file_response(
        request, route=route, name=name, content_type=content_type, produce=produce
    )


def opendata_json(request: HttpRequest) -> HttpResponse:
    return _open_data(request, "listening_results:opendata_json")


def opendata_csv(request: HttpRequest) -> HttpResponse:
    return _open_data(request, "listening_results:opendata_csv")


class QuestionsFeed(Feed):
    """The newest public questions of the city (RSS 2.0; QuestionsAtomFeed for Atom)."""

    def title(self) -> str:
        return xml_safe(_("Une minute pour… : nouvelles questions"))

    def link(self) -> str:
        return reverse("listening_results:index")

    def description(self) -> str:
        return xml_safe(_("Les nouvelles questions que la Ville pose aux habitants."))

    def items(self) -> list[FieldQuestion]:
        return list(questions_public()[:FEED_SIZE])

    def item_title(self, item: FieldQuestion) -> str:
        return xml_safe(f"{item.code} — {item.text}")

    def item_description(self, item: FieldQuestion) -> str:
        where = f" ({item.quartier.name})" if item.quartier else ""
        text = _("Répondez avant le %(date)s%(where)s.") % {
            "date": timezone.localtime(item.closes_at).strftime("%d/%m/%Y"),
            "where": where,
        }
        return xml_safe(text)

    def item_link(self, item: FieldQuestion) -> str:
        return item.results_url()

    def item_pubdate(self, item: FieldQuestion):  # noqa: ANN201 — Django's Feed protocol
        return item.opens_at


class QuestionsAtomFeed(QuestionsFeed):
    feed_type = Atom1Feed
    subtitle = QuestionsFeed.description


class QuartierQuestionsFeed(QuestionsFeed):
    """The newest public questions of one quartier."""

    def get_object(self, request: HttpRequest, slug: str) -> Quartier:
        return get_object_or_404(Quartier, slug=slug)

    def title(self, obj: Quartier) -> str:
        return xml_safe(_("Une minute pour… : questions du quartier %(name)s") % {"name": obj.name})

    def link(self, obj: Quartier) -> str:
        return reverse("listening_results:index") + f"?quartier={obj.slug}"

    def description(self, obj: Quartier) -> str:
        text = _("Les nouvelles questions que la Ville pose dans le quartier %(name)s.")
        return xml_safe(text % {"name": obj.name})

    def items(self, obj: Quartier) -> list[FieldQuestion]:
        return list(questions_public(quartier=obj)[:FEED_SIZE])


class QuartierQuestionsAtomFeed(QuartierQuestionsFeed):
    feed_type = Atom1Feed
    subtitle = QuartierQuestionsFeed.description
