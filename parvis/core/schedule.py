"""The declared schedule of periodic jobs, run by ``parvis worker``.

Each app declares its own periodic jobs in its ``tasks.py``, so ``core`` never imports an app:

    @periodic(every=timedelta(days=1), label=_("Purge des journaux de recherche"))
    @task(backend="background")
    def query_logs_purge_task() -> int: ...

The worker calls ``schedule_tick()`` every few seconds: each due job's row is claimed (its next
run moved forward in the same UPDATE, so two workers never start the same run twice) and its
task is queued in the same transaction. When the task finishes, its outcome (success, error,
consecutive failures) is written on the row, which the back office's "Tâches planifiées" shows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks.signals import task_finished

from parvis.core.models import ScheduledJob

logger = logging.getLogger(__name__)
# A run that never reports back (its worker was killed) stops blocking the job after this.
MIN_LEASE = timedelta(hours=1)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task
    every: timedelta
    label: str


_REGISTRY: dict[str, PeriodicJob] = {}


def periodic(*, every: timedelta, label: str) -> Callable[[Task], Task]:
    """Declare ``task`` as a periodic job run every ``every`` by the worker."""

    def register(task: Task) -> Task:
        _REGISTRY[task.module_path] = PeriodicJob(task.module_path, task, every, label)
        return task

    return register


def schedule_discover() -> None:
    """Import every installed app's ``tasks`` module, so their jobs are declared."""
    autodiscover_modules("tasks")


def schedule_jobs() -> list[PeriodicJob]:
    """The declared jobs, in a stable order."""
    return sorted(_REGISTRY.values(), key=lambda job: job.name)


def schedule_tick(*, now: datetime | None = None) -> list[str]:
    """Queue every due job once; returns the names queued by this call."""
    now = now or timezone.now()
    existing = set(ScheduledJob.objects.values_list("name", flat=True))
    for job in schedule_jobs():
        if job.name not in existing:
            ScheduledJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
    queued = []
    for job in schedule_jobs():
        if _claim_and_queue(job, now):
            queued.append(job.name)
    return queued


def _claim_and_queue(job: PeriodicJob, now: datetime) -> bool:
    with transaction.atomic():
        claimed = (
            ScheduledJob.objects.filter(name=job.name, next_run_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(
                next_run_at=now + job.every,
                claimed_until=now + max(job.every, MIN_LEASE),
                last_run_at=now,
                last_outcome=ScheduledJob.Outcome.RUNNING,
            )
        )
        if not claimed:
            return False
        result = job.task.enqueue()
        ScheduledJob.objects.filter(name=job.name).update(task_id=str(result.id))
    logger.info("periodic job queued", extra={"job": job.name})
    return True


def _record_outcome(sender: Any, task_result: Any, **kwargs: Any) -> None:
    name = task_result.task.module_path
    if name not in _REGISTRY:
        return
    row = ScheduledJob.objects.filter(name=name, task_id=str(task_result.id))
    if task_result.status == TaskResultStatus.SUCCESSFUL:
        row.update(
            last_outcome=ScheduledJob.Outcome.SUCCEEDED,
            last_finished_at=timezone.now(),
            last_error="",
            consecutive_failures=0,
            claimed_until=None,
        )
        return
    error = task_result.errors[-1].traceback.strip() if task_result.errors else ""
    with transaction.atomic():
        job = row.select_for_update().first()
        if job is None:
            return
        job.last_outcome = ScheduledJob.Outcome.FAILED
        job.last_finished_at = timezone.now()
        job.last_error = error.splitlines()[-1][:2000] if error else ""
        job.consecutive_failures += 1
        job.claimed_until = None
        job.save()
    logger.error("periodic job failed", extra={"job": name})


def schedule_connect() -> None:
    """Record each periodic run's outcome when its task finishes (any backend)."""
    task_finished.connect(_record_outcome, dispatch_uid="parvis.core.schedule")
