"""Writes of the audience measure: one ``+1`` per page view, the daily roll-up of searches and
votes from the answers' logs, and the purge after 25 months."""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from parvis.audience.models import PageDayCount, SearchDayCount, UsefulDayCount

logger = logging.getLogger(__name__)

# One statement, the same on SQLite (>= 3.24) and PostgreSQL: no read, no race between workers.
_UPSERT = (
    "INSERT INTO {table} (day, path, views) VALUES (%s, %s, %s) "
    "ON CONFLICT (day, path) DO UPDATE SET views = {table}.views + excluded.views"
)

# Views counted by this process and not yet written: (day, path) → views. Counts only.
_buffer: Counter[tuple[dt.date, str]] = Counter()
_buffer_lock = threading.Lock()
_last_flush = time.monotonic()


def page_view_count(*, path: str, day: dt.date | None = None, views: int = 1) -> None:
    """Add ``views`` views of ``path`` to the count of ``day`` (today in Europe/Paris)."""
    _upsert([((day or timezone.localdate(), path[:300]), views)])


def _upsert(rows: list[tuple[tuple[dt.date, str], int]]) -> None:
    table = connection.ops.quote_name(PageDayCount._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            _UPSERT.format(table=table), [(day, path, views) for (day, path), views in rows]
        )


def page_view_record(*, path: str) -> None:
    """Count one view of ``path`` today: kept in memory and written with the others every
    ``PARVIS_AUDIENCE_FLUSH_SECONDS`` seconds (0: at once), in one transaction.

    A commit per view costs a disk flush (about 7 ms on SQLite in FULL mode, see
    ``bench/audience``); buffered, a worker writes once per period whatever its traffic. A worker
    killed outright loses at most that period of its counts; a stopped one writes them first.
    """
    global _last_flush
    key = (timezone.localdate(), path[:300])
    with _buffer_lock:
        _buffer[key] += 1
        due = time.monotonic() - _last_flush >= settings.PARVIS_AUDIENCE_FLUSH_SECONDS
    if due:
        page_views_flush()


def page_views_flush() -> int:
    """Write the views this process holds; on failure they are kept for the next attempt."""
    global _last_flush
    with _buffer_lock:
        rows = list(_buffer.items())
        _buffer.clear()
        _last_flush = time.monotonic()
    if not rows:
        return 0
    try:
        _upsert(rows)
    except Exception:
        with _buffer_lock:
            _buffer.update(dict(rows))
        raise
    return sum(views for _, views in rows)


atexit.register(lambda: _flush_quietly())


def _flush_quietly() -> None:
    try:
        page_views_flush()
    except Exception:  # noqa: BLE001 — at exit, a lost minute of counts is not worth a trace
        logger.warning("audience: views not written at exit")


# The worker recounts searches and votes this often (``audience_rollup_task``); the dashboard
# only reads, so its figures for today are at most this old.
ROLLUP_EVERY_MINUTES = 15


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
