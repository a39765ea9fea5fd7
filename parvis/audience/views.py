"""Public pages of the audience app: what residents can expect (/engagements/), the audience
measure explained (/frequentation/), and their certified open data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from parvis.audience.commitments import (
    MEASURES,
    commitments_measure,
    commitments_of,
    commitments_open_data,
    services_with_commitments,
)
from parvis.audience.selectors import audience_open_data, audience_top_pages
from parvis.certification.open_data import certified_file_response


def _json(produce: Callable[[], object]) -> Callable[[], bytes]:
    return lambda: json.dumps(produce(), cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def _csv(produce: Callable[[], list[dict[str, object]]], fields: list[str]) -> Callable[[], bytes]:
    def write() -> bytes:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(produce())
        return out.getvalue().encode()

    return write


_COMMITMENT_FIELDS = [
    "service",
    "month",
    "measure",
    "commitment_working_days",
    "answered",
    "overdue",
    "pending",
    "median_working_days",
    "p90_working_days",
    "within_commitment_percent",
]
_AUDIENCE_FIELDS = [
    "table",
    "month",
    "path",
    "views",
    "normalised",
    "count",
    "answered",
    "document_key",
    "helpful",
    "not_helpful",
]


def _audience_rows() -> list[dict[str, object]]:
    return [{"table": table, **row} for table, rows in audience_open_data().items() for row in rows]


_OPEN_DATA = {
    "audience_commitments_json": (
        "engagements.json",
        "application/json",
        _json(commitments_open_data),
    ),
    "audience_commitments_csv": (
        "engagements.csv",
        "text/csv",
        _csv(commitments_open_data, _COMMITMENT_FIELDS),
    ),
    "audience_open_data_json": (
        "frequentation.json",
        "application/json",
        _json(audience_open_data),
    ),
    "audience_open_data_csv": (
        "frequentation.csv",
        "text/csv",
        _csv(_audience_rows, _AUDIENCE_FIELDS),
    ),
}


def _open_data(request: HttpRequest, route: str) -> HttpResponse:
    """Today's certified snapshot of the file (or a past day's, ``?periode=YYYY-MM-DD``),
    signed in the transparency log like every open-data file of the city."""
    name, content_type, produce = _OPEN_DATA[route]
    return certified_file_response(
        request, route=route, name=name, content_type=content_type, produce=produce
    )


@require_GET
def commitments_json(request: HttpRequest) -> HttpResponse:
    return _open_data(request, "audience_commitments_json")


@require_GET
def commitments_csv(request: HttpRequest) -> HttpResponse:
    return _open_data(request, "audience_commitments_csv")


@require_GET
def audience_json(request: HttpRequest) -> HttpResponse:
    return _open_data(request, "audience_open_data_json")


@require_GET
def audience_csv(request: HttpRequest) -> HttpResponse:
    return _open_data(request, "audience_open_data_csv")


MEASURE_LABELS = {
    "report_ack": _("Signalement pris en compte"),
    "report_resolution": _("Signalement résolu"),
    "question": _("Question à un agent répondue"),
}


@require_GET
def commitments_page(request: HttpRequest) -> HttpResponse:
    """Each service's commitments beside the delays measured on the records, month by month."""
    rows = commitments_measure()
    by_service: dict[str, dict[str, object]] = {}
    for service in services_with_commitments():
        by_service[service.name] = {"name": service.name, "commitments": commitments_of(service)}
    for row in rows:
        entry = by_service.setdefault(row.service_name, {"name": row.service_name})
        entry.setdefault("months", []).append(
            {
                "month": dt.date.fromisoformat(f"{row.month}-01"),
                "measures": [
                    (MEASURE_LABELS[m], row.measures[m]) for m in MEASURES if m in row.measures
                ],
            }
        )
    services = sorted(by_service.values(), key=lambda e: str(e["name"]))
    for entry in services:
        promised = entry.get("commitments") or {}
        entry["promises"] = [
            (MEASURE_LABELS[m], days) for m, days in promised.items() if days is not None
        ]
    return render(request, "audience/commitments.html", {"services": services})


@require_GET
def audience_page(request: HttpRequest) -> HttpResponse:
    """What the audience measure counts and keeps, and the most viewed pages of the month."""
    return render(
        request,
        "audience/audience.html",
        {
            "top_pages": [
                (path, views)
                for path, views in audience_top_pages(days=30, limit=10)
                if views >= settings.PARVIS_AUDIENCE_OPEN_DATA_MIN
            ],
            "minimum": settings.PARVIS_AUDIENCE_OPEN_DATA_MIN,
        },
    )
