"""Editors' view of what residents ask and do not find: the content to write next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Max, Q
from django.utils import timezone

from parvis.answers.models import AnswerFeedback, QueryLog
from parvis.answers.selectors import CONFIDENT


@dataclass
class UnansweredGroup:
    signature: str
    example: str
    count: int
    no_result: int
    mean_confidence: float
    not_helpful: int


def unanswered_queries(*, days: int = 90, limit: int = 100) -> list[UnansweredGroup]:
    """Searches with no result or a low confidence, grouped by stemmed wording, most asked first."""
    since = timezone.now() - dt.timedelta(days=days)
    poor = QueryLog.objects.filter(created_at__gte=since).filter(
        Q(result_count=0) | Q(confidence__lt=CONFIDENT)
    )
    rows = (
        poor.values("signature")
        .annotate(
            count=Count("id"),
            no_result=Count("id", filter=Q(result_count=0)),
            mean_confidence=Avg("confidence"),
            example=Max("normalised"),
        )
        .order_by("-count", "signature")[:limit]
    )
    votes = dict(
        AnswerFeedback.objects.filter(created_at__gte=since, helpful=False)
        .values_list("normalised")
        .annotate(n=Count("id"))
    )
    return [
        UnansweredGroup(
            signature=row["signature"],
            example=row["example"],
            count=row["count"],
            no_result=row["no_result"],
            mean_confidence=round(row["mean_confidence"] or 0.0, 2),
            not_helpful=votes.get(row["example"], 0),
        )
        for row in rows
        if row["signature"]
    ]


def query_log_day_counts(*, since: dt.date) -> list[dict[str, object]]:
    """Searches per day (Europe/Paris) and normalised question from ``since`` on, with how many
    found a confident answer: what the audience measure rolls up (no timestamps, no rows)."""
    from django.db.models.functions import TruncDate

    rows = (
        QueryLog.objects.annotate(day=TruncDate("created_at"))
        .filter(day__gte=since)
        .values("day", "normalised")
        .annotate(
            count=Count("id"),
            answered=Count("id", filter=Q(result_count__gt=0, confidence__gte=CONFIDENT)),
        )
        .order_by("day", "normalised")
    )
    return list(rows)


def feedback_day_counts(*, since: dt.date) -> list[dict[str, object]]:
    """ "Utile / pas utile" votes per day (Europe/Paris) and answer from ``since`` on."""
    from django.db.models.functions import TruncDate

    rows = (
        AnswerFeedback.objects.annotate(day=TruncDate("created_at"))
        .filter(day__gte=since)
        .values("day", "document_key")
        .annotate(
            helpful_votes=Count("id", filter=Q(helpful=True)),
            not_helpful_votes=Count("id", filter=Q(helpful=False)),
        )
        .order_by("day", "document_key")
    )
    return list(rows)


def documents_by_key(*, keys: list[str]) -> dict[str, tuple[str, str]]:
    """Title and address of the answers' documents named by ``keys``."""
    from parvis.answers.models import SearchDocument

    return {
        key: (title, url)
        for key, title, url in SearchDocument.objects.filter(key__in=keys).values_list(
            "key", "title", "url"
        )
    }
