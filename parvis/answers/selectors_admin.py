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
