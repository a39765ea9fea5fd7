"""Reads of the audience measure: the editors' dashboard and the open-data aggregates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Sum
from django.utils import timezone

from parvis.audience.models import PageDayCount, SearchDayCount, UsefulDayCount


@dataclass(frozen=True)
class WeekFigures:
    monday: dt.date
    views: int
    searches: int
    unanswered: int
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class Usefulness:
    document_key: str
    title: str
    url: str
    helpful: int
    not_helpful: int

    @property
    def share_helpful(self) -> int:
        total = self.helpful + self.not_helpful
        return round(100 * self.helpful / total) if total else 0


def _since(days: int, today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - dt.timedelta(days=days - 1)


def audience_top_pages(*, days: int = 30, limit: int = 20) -> list[tuple[str, int]]:
    """The most viewed pages of the last ``days`` days, with their views."""
    rows = (
        PageDayCount.objects.filter(day__gte=_since(days))
        .values("path")
        .annotate(total=Sum("views"))
        .order_by("-total", "path")[:limit]
    )
    return [(row["path"], row["total"]) for row in rows]


def audience_top_unanswered(*, days: int = 30, limit: int = 20) -> list[tuple[str, int, int]]:
    """Questions searched in the last ``days`` days that found no confident answer, most often
    unanswered first: (question, searches without an answer, searches)."""
    rows = (
        SearchDayCount.objects.filter(day__gte=_since(days))
        .values("normalised")
        .annotate(total=Sum("count"), missed=Sum(F("count") - F("answered")))
        .filter(missed__gt=0)
        .order_by("-missed", "normalised")[:limit]
    )
    return [(row["normalised"], row["missed"], row["total"]) for row in rows]


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def audience_weeks(*, weeks: int = 12, today: dt.date | None = None) -> list[WeekFigures]:
    """Week by week (Monday first), the last ``weeks`` weeks: views, searches, searches without
    an answer, votes. Oldest first; a week without anything shows zeros."""
    today = today or timezone.localdate()
    first = _monday(today) - dt.timedelta(weeks=weeks - 1)
    sums: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, views in PageDayCount.objects.filter(day__gte=first).values_list("day", "views"):
        sums[_monday(day)]["views"] += views
    for day, count, answered in SearchDayCount.objects.filter(day__gte=first).values_list(
        "day", "count", "answered"
    ):
        sums[_monday(day)]["searches"] += count
        sums[_monday(day)]["unanswered"] += count - answered
    for day, yes, no in UsefulDayCount.objects.filter(day__gte=first).values_list(
        "day", "helpful", "not_helpful"
    ):
        sums[_monday(day)]["helpful"] += yes
        sums[_monday(day)]["not_helpful"] += no
    mondays = [first + dt.timedelta(weeks=n) for n in range(weeks)]
    return [
        WeekFigures(
            monday=m,
            views=sums[m]["views"],
            searches=sums[m]["searches"],
            unanswered=sums[m]["unanswered"],
            helpful=sums[m]["helpful"],
            not_helpful=sums[m]["not_helpful"],
        )
        for m in mondays
    ]


def audience_usefulness(*, days: int = 90, limit: int = 50) -> list[Usefulness]:
    """ "Utile / pas utile" per answer over the last ``days`` days, most voted first."""
    from parvis.answers.selectors_admin import documents_by_key

    rows = list(
        UsefulDayCount.objects.filter(day__gte=_since(days))
        .values("document_key")
        .annotate(yes=Sum("helpful"), no=Sum("not_helpful"))
        .order_by("-no", "-yes", "document_key")[:limit]
    )
    documents = documents_by_key(keys=[row["document_key"] for row in rows])
    return [
        Usefulness(
            document_key=row["document_key"],
            title=documents.get(row["document_key"], ("", ""))[0] or row["document_key"],
            url=documents.get(row["document_key"], ("", ""))[1],
            helpful=row["yes"],
            not_helpful=row["no"],
        )
        for row in rows
    ]


def audience_open_data(*, today: dt.date | None = None) -> dict[str, list[dict[str, object]]]:
    """The open-data aggregates, per month: page views, searches, votes. A row whose count is
    below ``PARVIS_AUDIENCE_OPEN_DATA_MIN`` is left out, so a rare question (which could say
    something about the one person who typed it) is never published."""
    minimum = settings.PARVIS_AUDIENCE_OPEN_DATA_MIN
    today = today or timezone.localdate()
    since = today.replace(day=1) - dt.timedelta(days=settings.PARVIS_AUDIENCE_RETENTION_DAYS)

    def monthly(model: type, key: str, fields: tuple[str, ...]) -> list[dict[str, object]]:
        totals: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for row in model.objects.filter(day__gte=since).values("day", key, *fields):
            bucket = totals[(row["day"].strftime("%Y-%m"), row[key])]
            for field in fields:
                bucket[field] += row[field]
        # The size of a row: views, searches, or votes of both kinds.
        size = fields if fields[0] == "helpful" else fields[:1]
        return [
            {"month": month, key: value, **{f: counts[f] for f in fields}}
            for (month, value), counts in sorted(totals.items())
            if sum(counts[f] for f in size) >= minimum
        ]

    return {
        "pages": monthly(PageDayCount, "path", ("views",)),
        "searches": monthly(SearchDayCount, "normalised", ("count", "answered")),
        "votes": monthly(UsefulDayCount, "document_key", ("helpful", "not_helpful")),
    }
