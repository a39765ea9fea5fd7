"""Back office: "Tâches planifiées", the state of background jobs (administrators only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from parvis.core.selectors import background_alerts, outbox_dead_letters, schedule_status


def scheduled_jobs(request: HttpRequest) -> HttpResponse:
    """Each periodic job (last run, next run, outcome, failures, last error), the outbox's
    dead letters and what waits to be sent."""
    if not request.user.is_superuser:
        raise PermissionDenied
    context = {
        "page_title": _("Tâches planifiées"),
        "header_icon": "time",
        "jobs": schedule_status(),
        "dead_letters": outbox_dead_letters(),
        "alerts": background_alerts(),
    }
    return render(request, "core/admin/scheduled_jobs.html", context)
