"""/api/v1/reports: the city's own apps list, read and file reports (JSON, OpenAPI-documented)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import ConfigDict

from parvis.core.idempotency import idempotency_key_parse
from parvis.core.schemas import Error, ObjectIn
from parvis.core.writes import public_write
from parvis.reports.errors import ReportNotFound
from parvis.reports.models import Report
from parvis.reports.privacy import public_text
from parvis.reports.selectors import categories_active, report_get_public, reports_public
from parvis.reports.services import report_create

router = Router(tags=["signalements"])


class ReportOut(Schema):
    id: int
    category: str
    category_name: str
    status: str
    status_reason: str
    description: str
    address: str
    quartier: str | None
    lat: float | None
    long: float | None
    support_count: int
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str


# Where: a position (both coordinates) or, failing that, an address; never half a position.
_LOCATION = {
    "anyOf": [
        {
            "properties": {"lat": {"type": "number"}, "long": {"type": "number"}},
            "required": ["lat", "long"],
        },
        {
            "properties": {
                "address": {"type": "string", "pattern": r"\S"},
                "lat": {"type": "null"},
                "long": {"type": "null"},
            },
            "required": ["address"],
        },
    ]
}


class ReportIn(ObjectIn):
    model_config = ConfigDict(json_schema_extra=_LOCATION)

    # No NUL character anywhere: PostgreSQL cannot store (or even compare) one.
    category: str = Field(
        ...,
        pattern=r"^[^\x00]*$",
        description="Code de la catégorie (voir /open311/v2/services)",
    )
    # Not blank either.
    description: str = Field(..., max_length=4000, pattern=r"^[^\x00]*\S[^\x00]*$")
    lat: float | None = Field(None, ge=-90, le=90)
    long: float | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=250, pattern=r"^[^\x00]*$")
    email: str | None = Field(
        None, pattern=r"^[^\x00]*$", description="Jamais publié ; pour prévenir le déclarant"
    )


class ReportPage(Schema):
    count: int
    page: int
    results: list[ReportOut]


def _out(report: Report) -> ReportOut:
    return ReportOut(
        id=report.pk,
        category=report.category.code,
        category_name=report.category.name,
        status=report.status,
        status_reason=public_text(report.status_reason),
        description=public_text(report.description),
        address=public_text(report.address),
        quartier=report.quartier.slug if report.quartier else None,
        lat=report.latitude,
        long=report.longitude,
        support_count=report.support_count,
        created_at=report.created_at,
        updated_at=report.updated_at,
        url=report.get_absolute_url(),
    )


@router.get("", response={200: ReportPage, 400: Error}, summary="Lister les signalements publics")
def reports_list(
    request: HttpRequest,
    quartier: str = "",
    category: str = "",
    status: str = "",
    page: Query[int] = 1,
) -> ReportPage:
    page = min(max(page, 1), 100_000)
    qs = reports_public(quartier=quartier[:60], category=category[:60], status=status[:20])
    size = 50
    rows = qs[(page - 1) * size : page * size]
    return ReportPage(count=qs.count(), page=page, results=[_out(r) for r in rows])


@router.get("/{int:report_id}", response={200: ReportOut, 404: Error}, summary="Un signalement")
def reports_get(request: HttpRequest, report_id: int) -> ReportOut:
    try:
        return _out(report_get_public(pk=report_id))
    except ReportNotFound:
        raise HttpError(404, "Signalement introuvable.") from None


@router.post(
    "",
    response={
        201: ReportOut,
        200: ReportOut,
        400: Error,
        404: Error,
        409: Error,
        413: Error,
        415: Error,
        422: Error,
        429: Error,
    },
    summary="Déposer un signalement",
    description=(
        "Accepte un en-tête Idempotency-Key : une nouvelle tentative avec la même clé renvoie "
        "le signalement déjà créé (200) au lieu d'en créer un second. Corps en JSON "
        "(Content-Type: application/json) ; limites par adresse : voir docs/configuration.md."
    ),
)
@decorate_view(public_write("api.create", style="json", json_body=True))
def reports_create(request: HttpRequest, payload: ReportIn, response: HttpResponse):  # noqa: ANN201
    category = categories_active().filter(code=payload.category).first()
    if category is None:
        return Status(404, {"error": "Catégorie inconnue."})
    report, replayed = report_create(
        category=category,
        description=payload.description,
        latitude=payload.lat,
        longitude=payload.long,
        address=payload.address,
        email=payload.email or None,
        idempotency_key=idempotency_key_parse(request.headers.get("Idempotency-Key")),
        idempotency_scope="api",
        channel=Report.Channel.API,
    )
    return Status(200 if replayed else 201, _out(report))
