"""Background jobs of the reports app: placing reports filed through the APIs."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from django_tasks import task

from parvis.core.schedule import periodic
from parvis.reports.services import report_place, reports_place_pending


@task(backend="background")
def report_place_task(report_id: int) -> bool:
    """Place one report filed through an API (queued in the transaction that stored it)."""
    return report_place(report_id=report_id)


@periodic(every=timedelta(minutes=5), label=_("Placement des signalements en attente"))
@task(backend="background")
def reports_place_pending_task() -> int:
    """Place the reports whose own placing task did not finish (a worker stopped mid-way)."""
    return reports_place_pending()
