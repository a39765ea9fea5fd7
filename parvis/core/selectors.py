"""What the shared pieces read for others: the state of background jobs and of the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.utils.translation import ngettext

from parvis.core.models import OutboxMessage, ScheduledJob
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
