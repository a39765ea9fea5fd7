"""What the shared pieces read for others: the state of background jobs and of the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, QuerySet
from django.utils.translation import ngettext

from parvis.core.models import AccessRecord, OutboxMessage, ScheduledJob
from parvis.core.schedule import schedule_jobs


@dataclass(frozen=True)
class JobStatus:
    """One declared periodic job as the back office shows it."""

    name: str
    label: str
    every: timedelta
    state: ScheduledJob | None

    @property
    def every_text(self) -> str:
        seconds = int(self.every.total_seconds())
        if seconds % 86400 == 0:
            n = seconds // 86400
            return ngettext("chaque jour", "tous les %(n)d jours", n) % {"n": n}
        if seconds % 3600 == 0:
            n = seconds // 3600
            return ngettext("chaque heure", "toutes les %(n)d heures", n) % {"n": n}
        n = max(1, seconds // 60)
        return ngettext("chaque minute", "toutes les %(n)d minutes", n) % {"n": n}


def schedule_status() -> list[JobStatus]:
    """Every declared periodic job with its last run, next run, outcome and failures."""
    rows = {row.name: row for row in ScheduledJob.objects.all()}
    return [JobStatus(j.name, str(j.label), j.every, rows.get(j.name)) for j in schedule_jobs()]


def outbox_dead_letters(*, limit: int = 50) -> QuerySet[OutboxMessage]:
    """Messages given up on after their last attempt, newest first."""
    failed = OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED)
    return failed.order_by("-created_at")[:limit]


def background_alerts() -> dict[str, int]:
    """What staff must look at: dead-lettered messages and jobs whose last run failed."""
    return {
        "dead_letters": OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count(),
        "failing_jobs": ScheduledJob.objects.filter(
            last_outcome=ScheduledJob.Outcome.FAILED
        ).count(),
        "pending": OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count(),
    }


def access_log_filtered(
    *, service: str = "", purpose: str = "", month: str = ""
) -> QuerySet[AccessRecord]:
    """Access records, newest first; ``month`` as ``YYYY-MM``."""
    records = AccessRecord.objects.all()
    if service:
        records = records.filter(service_name=service)
    if purpose:
        records = records.filter(purpose=purpose)
    if len(month) == 7 and month[:4].isdigit() and month[4] == "-" and month[5:].isdigit():
        records = records.filter(created_at__year=int(month[:4]), created_at__month=int(month[5:]))
    return records.order_by("-created_at", "-pk")


def access_log_totals(*, records: QuerySet[AccessRecord]) -> list[dict]:
    """Consultations per service and purpose, with the number of distinct staff."""
    labels = dict(AccessRecord.Purpose.choices)
    rows = (
        records.order_by()
        .values("service_name", "purpose")
        .annotate(views=Count("pk"), staff=Count("staff_name", distinct=True))
        .order_by("service_name", "purpose")
    )
    return [{**row, "purpose_label": labels.get(row["purpose"], row["purpose"])} for row in rows]


def access_log_services() -> list[str]:
    return list(
        AccessRecord.objects.order_by("service_name")
        .values_list("service_name", flat=True)
        .distinct()
    )
