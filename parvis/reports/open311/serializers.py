"""Reports and categories as Open311 resources (codes and ids always as strings)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from parvis.reports.errors import ReportInvalid
from parvis.reports.models import Category, Photo, Report, ReportUpdate
from parvis.reports.privacy import public_text

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-29T00:00:00Z"
DANGER = "danger"
ATTRIBUTES = [
    {
        "variable": False,
        "code": "vie_privee",
        "datatype": "text",
        "required": False,
        "datatype_description": "",
        "order": 1,
        "description": (
            "La description est publiée : n'y mettez ni nom, ni téléphone, ni adresse personnelle."
        ),
    },
    {
        "variable": True,
        "code": DANGER,
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "oui ou non",
        "order": 2,
        "description": "Le problème présente-t-il un danger immédiat ?",
        "values": [{"key": "oui", "name": "Oui"}, {"key": "non", "name": "Non"}],
    },
]


def _dt(value: object, tz: dt.tzinfo | None = None) -> str:
    """An aware datetime in local time, W3C format (``tz``: the current zone, looked up once
    by a caller that formats many)."""
    return value.astimezone(tz or timezone.get_current_timezone()).isoformat(  # type: ignore[attr-defined]
        timespec="seconds"
    )


def discovery(request: HttpRequest) -> dict[str, object]:
    return {
        "changeset": CHANGESET,
        "contact": f"{settings.WAGTAIL_SITE_NAME} — {settings.BASE_URL}",
        "key_service": f"{settings.BASE_URL}/admin/ (clés Open311 délivrées par la Ville)",
        "endpoints": [
            {
                "specification": SPEC,
                "url": f"{settings.BASE_URL}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service(category: Category) -> dict[str, object]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or category.name,
        "metadata": True,
        "type": "realtime",
        "keywords": category.keywords,
        "group": str(category.get_group_display()),
    }


def service_definition(category: Category) -> dict[str, object]:
    return {"service_code": category.code, "attributes": ATTRIBUTES}


def attributes_parse(category: Category, params: QueryDict) -> dict[str, object]:
    """The ``attribute[CODE]`` answers, checked against the category's definition."""
    danger = params.get(f"attribute[{DANGER}]", "").strip()
    if danger and danger not in ("oui", "non"):
        raise ReportInvalid("attribute[danger] doit valoir oui ou non.", code="attribute")
    return {DANGER: danger} if danger else {}


def request(http: HttpRequest, report: Report) -> dict[str, object]:
    public_updates = [u for u in report.updates.all() if u.public and u.message]
    photos = [p for p in report.photos.all() if not p.held]  # held: not public yet
    return {
        "service_request_id": str(report.pk),
        "status": "open" if report.is_open else "closed",
        "status_notes": public_text(public_updates[-1].message) if public_updates else "",
        "service_name": report.category.name,
        "service_code": report.category.code,
        "description": public_text(report.description),
        "agency_responsible": report.competent_service.name,
        "service_notice": "",
        "requested_datetime": _dt(report.created_at),
        "updated_datetime": _dt(report.updated_at),
        "address": public_text(report.address),
        "address_id": "",
        "zipcode": "",
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": (
            http.build_absolute_uri(f"/signalements/photos/{photos[0].token}/grande.jpg")
            if photos
            else ""
        ),
    }


_LIST_FIELDS = (
    "pk",
    "status",
    "description",
    "address",
    "latitude",
    "longitude",
    "created_at",
    "updated_at",
    "category__name",
    "category__code",
    "service_id",
    "service__name",
    "category__service__name",
)


def requests_list(http: HttpRequest, qs: QuerySet[Report]) -> list[dict[str, object]]:
    """What ``request`` gives for each report of ``qs`` (a sliced page), from three flat
    queries and no model instances: the list is the API's busiest path."""
    rows = list(qs.values(*_LIST_FIELDS))
    ids = [row["pk"] for row in rows]
    first_photo: dict[int, str] = {}
    for report_id, token in (
        Photo.objects.filter(report_id__in=ids, held=False)  # held: not public yet
        .order_by("pk")
        .values_list("report_id", "token")
    ):
        first_photo.setdefault(report_id, token)
    last_note: dict[int, str] = {}
    for report_id, message in (
        ReportUpdate.objects.filter(report_id__in=ids, public=True)
        .exclude(message="")
        .order_by("created_at", "pk")
        .values_list("report_id", "message")
    ):
        last_note[report_id] = message
    photo_url = http.build_absolute_uri("/signalements/photos/")
    tz = timezone.get_current_timezone()
    return [
        {
            "service_request_id": str(row["pk"]),
            "status": "open" if row["status"] in Report.OPEN_STATUSES else "closed",
            "status_notes": public_text(last_note[row["pk"]]) if row["pk"] in last_note else "",
            "service_name": row["category__name"],
            "service_code": row["category__code"],
            "description": public_text(row["description"]),
            "agency_responsible": (
                row["service__name"] if row["service_id"] else row["category__service__name"]
            ),
            "service_notice": "",
            "requested_datetime": _dt(row["created_at"], tz),
            "updated_datetime": _dt(row["updated_at"], tz),
            "address": public_text(row["address"]),
            "address_id": "",
            "zipcode": "",
            "lat": row["latitude"],
            "long": row["longitude"],
            "media_url": (
                f"{photo_url}{first_photo[row['pk']]}/grande.jpg"
                if row["pk"] in first_photo
                else ""
            ),
        }
        for row in rows
    ]
