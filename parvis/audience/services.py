"""Writes of the audience measure: one ``+1`` per page view, the daily roll-up of searches and
votes from the answers' logs, and the purge after 25 months."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from parvis.audience.models import PageDayCount, SearchDayCount, UsefulDayCount

# One statement, the same on SQLite (>= 3.24) and PostgreSQL: no read, no race between workers.
_UPSERT = (
    "INSERT INTO {table} (day, path, views) VALUES (%s, %s, 1) "
    "ON CONFLICT (day, path) DO UPDATE SET views = {table}.views + 1"
)


def page_view_count(*, path: str, day: dt.date | None = None) -> None:
    """Add one view of ``path`` to the count of ``day`` (today in Europe/Paris by default)."""
    table = connection.ops.quote_name(PageDayCount._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=table), [day or timezone.localdate(), path[:300]])


@transaction.atomic
def audience_rollup(*, today: dt.date | None = None) -> int:
    """Recount searches and votes per day from the answers' logs, for every day the logs still
    hold whole (from the last day already counted, or the oldest complete day, on).

    Days older than the logs' retention are left as counted: the aggregates outlive the logs.
    Returns the number of rows written.
    """
    from parvis.answers.selectors_admin import feedback_day_counts, query_log_day_counts

    today = today or timezone.localdate()
    # The oldest day whose logs cannot have been purged in part yet.
    complete = today - dt.timedelta(days=settings.PARVIS_ANSWERS_LOG_DAYS - 1)
    written = 0
    for model, rows_of, key, fields in (
        (
            SearchDayCount,
            query_log_day_counts,
            "normalised",
            {"count": "count", "answered": "answered"},
        ),
        (
            UsefulDayCount,
            feedback_day_counts,
            "document_key",
            {"helpful": "helpful_votes", "not_helpful": "not_helpful_votes"},
        ),
    ):
        last = model.objects.order_by("-day").values_list("day", flat=True).first()
        since = max(complete, last) if last else complete
        model.objects.filter(day__gte=since).delete()
        rows = [
            model(day=row["day"], **{key: row[key]}, **{f: row[src] for f, src in fields.items()})
            for row in rows_of(since=since)
            if row[key]
        ]
        model.objects.bulk_create(rows, batch_size=500)
        written += len(rows)
    return written


@transaction.atomic
def audience_purge(*, today: dt.date | None = None) -> int:
    """Delete the counts older than ``PARVIS_AUDIENCE_RETENTION_DAYS`` (25 months, CNIL)."""
    limit = (today or timezone.localdate()) - dt.timedelta(
        days=settings.PARVIS_AUDIENCE_RETENTION_DAYS
    )
    deleted = 0
    for model in (PageDayCount, SearchDayCount, UsefulDayCount):
        count, _ = model.objects.filter(day__lt=limit).delete()
        deleted += count
    return deleted
