"""Open311 GeoReport v2 endpoints: discovery, services, requests (GET and POST), tokens."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from parvis.content.models import Commune
from parvis.core.errors import ParvisError
from parvis.core.idempotency import idempotency_key_parse
from parvis.core.writes import public_write
from parvis.reports.apikeys import api_key_check
from parvis.reports.models import ApiKey, Category, Report
from parvis.reports.open311 import serializers as ser
from parvis.reports.open311.params import coordinate, int_list, opt, positive_int, w3c_datetime
from parvis.reports.open311.render import error, render
from parvis.reports.selectors import categories_active, reports_public
from parvis.reports.services import report_create

WINDOW = dt.timedelta(days=90)
PAGE_SIZE_MAX = 1000
View = Callable[..., HttpResponse]


def commune_for_jurisdiction(jurisdiction: str) -> Commune | None:
    """A commune's own jurisdiction: its site's host name, or its INSEE code.

    The install's jurisdiction (``PARVIS_OPEN311_JURISDICTION``) is the whole Métropole; a
    commune's narrows the requests listed to the reports placed in that commune.
    """
    commune = Commune.objects.filter(site__hostname=jurisdiction).first()
    if commune is None and len(jurisdiction) == 5 and jurisdiction.isdigit():
        commune = Commune.objects.filter(insee_code=jurisdiction).first()
    return commune


def _in_jurisdiction(request: HttpRequest, qs: QuerySet[Report]) -> QuerySet[Report]:
    commune = getattr(request, "open311_commune", None)
    return qs.filter(commune=commune) if commune is not None else qs


def open311_view(methods: tuple[str, ...]) -> Callable[[View], View]:
    """Method check, jurisdiction check and domain errors → the spec's error arrays."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs: str) -> HttpResponse:
            if request.method not in methods:
                response = error(fmt, 405, "Méthode non permise.")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                params = request.POST if request.method == "POST" else request.GET
                jurisdiction = opt(params, "jurisdiction_id")
                request.open311_commune = None  # type: ignore[attr-defined]
                if jurisdiction and jurisdiction != settings.PARVIS_OPEN311_JURISDICTION:
                    commune = commune_for_jurisdiction(jurisdiction)
                    if commune is None:
                        return error(fmt, 404, "jurisdiction_id inconnu.")
                    request.open311_commune = commune  # type: ignore[attr-defined]
                return view(request, fmt, **kwargs)
            except ParvisError as exc:
                return error(fmt, exc.status_code, exc.message)

        return csrf_exempt(wrapper)

    return decorate


@open311_view(("GET",))
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(fmt, "discovery", ser.discovery(request))


@open311_view(("GET",))
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(fmt, "services", [ser.service(c) for c in categories_active()])


def _category(code: str) -> Category | None:
    return categories_active().filter(code=code).first()


@open311_view(("GET",))
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    category = _category(code)
    if category is None:
        return error(fmt, 404, "service_code inconnu.")
    return render(fmt, "service_definition", ser.service_definition(category))


def _open311_refusal(
    request: HttpRequest, status: int, message: str, kwargs: dict[str, object]
) -> HttpResponse:
    return error(str(kwargs.get("fmt", "xml")), status, message)


def _api_key(request: HttpRequest) -> ApiKey | None:
    """The request's API key, looked up once (the policy counts it, the view checks it)."""
    if not hasattr(request, "open311_api_key"):
        request.open311_api_key = api_key_check(raw=opt(request.POST, "api_key"))  # type: ignore[attr-defined]
    return request.open311_api_key  # type: ignore[attr-defined]


def _open311_key(request: HttpRequest) -> str:
    key = _api_key(request)
    return str(key.pk) if key is not None else ""


@public_write("open311.post", style=_open311_refusal, key=_open311_key)
@open311_view(("GET", "POST"))
def requests_(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    params = request.GET
    ids = opt(params, "service_request_id")
    if ids:  # overrides every other argument (spec)
        qs = reports_public().filter(pk__in=int_list(ids, "service_request_id"))
    else:
        qs = _filtered(params)
    qs = _in_jurisdiction(request, qs)
    page = positive_int(opt(params, "page"), "page", 1, 100_000)
    size = positive_int(opt(params, "page_size"), "page_size", PAGE_SIZE_MAX, PAGE_SIZE_MAX)
    return render(
        fmt, "service_requests", ser.requests_list(request, qs[(page - 1) * size : page * size])
    )


def _filtered(params: object) -> QuerySet[Report]:
    qs = reports_public()
    codes = opt(params, "service_code")
    if codes:
        qs = qs.filter(category__code__in=[c.strip() for c in codes.split(",")])
    start_raw, end_raw = opt(params, "start_date"), opt(params, "end_date")
    end = w3c_datetime(end_raw, "end_date") if end_raw else None
    start = w3c_datetime(start_raw, "start_date") if start_raw else None
    if start and end and end - start > WINDOW:
        raise ParvisError("La période demandée dépasse 90 jours.", code="window")
    if start and end and end < start:
        raise ParvisError("end_date précède start_date.", code="window")
    end = end or ((start + WINDOW) if start else timezone.now())
    start = start or (end - WINDOW)
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    statuses = {s.strip() for s in opt(params, "status").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise ParvisError("status doit valoir open, closed ou les deux.", code="status")
    if statuses == {"open"}:
        qs = qs.filter(status__in=Report.OPEN_STATUSES)
    elif statuses == {"closed"}:
        qs = qs.exclude(status__in=Report.OPEN_STATUSES)
    return qs


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    key = _api_key(request)
    if key is None:
        return error(fmt, 403, "api_key absente ou invalide : impossible de créer la demande.")
    idempotency_key = idempotency_key_parse(request.headers.get("Idempotency-Key"))
    code = opt(params, "service_code")
    if not code:
        return error(fmt, 400, "service_code est obligatoire.")
    category = _category(code)
    if category is None:
        return error(fmt, 404, "service_code inconnu.")
    lat_raw, long_raw = opt(params, "lat"), opt(params, "long")
    address = opt(params, "address_string") or opt(params, "address_id")
    if bool(lat_raw) != bool(long_raw):
        return error(fmt, 400, "lat et long vont ensemble.")
    if not lat_raw and not address:
        return error(fmt, 400, "Indiquez lat et long, address_string ou address_id.")
    report, _replayed = report_create(
        category=category,
        description=opt(params, "description") or category.name,
        latitude=coordinate(lat_raw, "lat", 90) if lat_raw else None,
        longitude=coordinate(long_raw, "long", 180) if long_raw else None,
        address=address,
        email=opt(params, "email") or None,
        attributes=ser.attributes_parse(category, params),
        idempotency_key=idempotency_key,
        idempotency_scope=f"open311:{key.pk}",
        channel=Report.Channel.OPEN311,
        # The acknowledgement needs only the id: the address engine, quartier, commune and
        # the commune's service are the worker's, after the commit.
        place_later=True,
    )
    return render(fmt, "service_requests", [{"service_request_id": str(report.pk)}])


@open311_view(("GET",))
def request_detail(request: HttpRequest, fmt: str, pk: str) -> HttpResponse:
    report = (
        _in_jurisdiction(request, reports_public())
        .filter(pk=int(pk))
        .prefetch_related("photos", "updates")
        .first()
    )
    if report is None:
        return error(fmt, 404, "Demande introuvable.")
    return render(fmt, "service_requests", [ser.request(request, report)])


@open311_view(("GET",))
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    report = reports_public().filter(reference=token).first()
    if report is None:
        return error(fmt, 404, "Jeton inconnu.")
    response = render(
        fmt, "service_requests", [{"service_request_id": str(report.pk), "token": token}]
    )
    response["Cache-Control"] = "no-store"  # the token is the client's key to its request
    return response


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    fmt = "json" if rest.endswith(".json") else "xml"
    return error(fmt, 404, "Ressource Open311 inconnue.")
