"""Back office: "Tâches planifiées", the state of background jobs (administrators only), and
the access log of personal data for the data ethics committee."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from parvis.core.models import AccessRecord
from parvis.core.selectors import (
    access_log_filtered,
    access_log_services,
    access_log_totals,
    background_alerts,
    outbox_dead_letters,
    schedule_status,
)


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


def can_review_access_log(user: object) -> bool:
    """The data ethics committee (and superusers) review the access log."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or user.has_perm("core.view_access_log")  # type: ignore[attr-defined]
    )


def access_log(request: HttpRequest) -> HttpResponse:
    """Who consulted residents' personal data: totals per service and purpose, the entries
    (filtered by service, purpose, month), and the same as CSV (``?format=csv``)."""
    if not can_review_access_log(request.user):
        raise PermissionDenied
    filters = {k: request.GET.get(k, "")[:200] for k in ("service", "purpose", "month")}
    records = access_log_filtered(**filters)
    if request.GET.get("format") == "csv":
        return _access_log_csv(records)
    page = Paginator(records, 50).get_page(request.GET.get("p"))
    context = {
        "page_title": _("Consultations de données personnelles"),
        "header_icon": "view",
        "totals": access_log_totals(records=access_log_filtered(month=filters["month"])),
        "page_obj": page,
        "filters": filters,
        "purposes": AccessRecord.Purpose.choices,
        "services": access_log_services(),
        "query": urlencode({k: v for k, v in filters.items() if v}),
    }
    return render(request, "core/admin/access_log.html", context)


def _access_log_csv(records) -> HttpResponse:  # noqa: ANN001 — a QuerySet
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="consultations.csv"'
    writer = csv.writer(response)
    writer.writerow(["le", "consulte_par", "service", "finalite", "objet", "donnee"])
    for record in records.iterator():
        writer.writerow(
            [
                record.created_at.isoformat(),
                record.staff_name,
                record.service_name,
                record.get_purpose_display(),
                record.subject,
                record.data_kind,
            ]
        )
    return response
