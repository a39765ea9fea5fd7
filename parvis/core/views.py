"""Operational endpoints and error pages."""

from __future__ import annotations

import datetime as dt
import functools
import math
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from parvis.core import geocoding
from parvis.core.errors import ParvisError
from parvis.core.middleware import database_busy_response, is_database_busy
from parvis.core.notifications import address_confirm, address_confirm_check
from parvis.core.ratelimit import ratelimit_request
from parvis.core.source import parvis_version, source_archive
from parvis.core.writes import public_write


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except DatabaseError:
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: always 200 while the process answers; reports the database's state."""
    return JsonResponse({"status": "ok", "database": "ok" if _database_ok() else "unavailable"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 503 when the database cannot be reached, so a load balancer drains us."""
    if _database_ok():
        return JsonResponse({"status": "ready"})
    return JsonResponse({"status": "unavailable"}, status=503)


def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri("/sitemap.xml")
    body = f"User-agent: *\nDisallow: /admin/\nAllow: /\n\nSitemap: {sitemap}\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: whom to tell about a vulnerability; expires within a year, renewed daily."""
    expires = (timezone.now() + dt.timedelta(days=180)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.PARVIS_SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(dt.UTC).isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: fr, en",
        f"Canonical: {settings.BASE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # The JSON API answers in JSON even for a path that matches none of its routes.
        return JsonResponse({"error": _("Ressource introuvable.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its ``except`` block: a busy database raised by a middleware
    # (a session save, say) is a 503 too, as it is for a view (core.middleware).
    exception = sys.exc_info()[1]
    if exception is not None and is_database_busy(exception):
        return database_busy_response(request)
    # Rendered without a request context: the database may be why we are here.
    return HttpResponseServerError(loader.render_to_string("500.html"))


def secret_link_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a page whose address is someone's key (a tracking link, a conversation's token).

    ``no-store``: no browser or proxy cache keeps it. ``same-origin``: the link never leaves the
    portal in a Referer. Not "no-referrer": with it, browsers send "Origin: null" with the page's
    forms and Django's CSRF check refuses every post made without JavaScript.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


@require_GET
def source_code(request: HttpRequest) -> HttpResponse:
    """What the AGPL offers every user: the licence and the source of the running program."""
    return render(
        request,
        "core/source_code.html",
        {"version": parvis_version(), "repository": settings.PARVIS_SOURCE_URL},
    )


@require_GET
def source_code_archive(request: HttpRequest) -> FileResponse:
    archive = source_archive()
    return FileResponse(archive.open("rb"), as_attachment=True, filename=archive.name)


@never_cache
@require_http_methods(["GET", "POST"])
@public_write("core.address_confirm")
def address_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link of a confirmation email: GET asks (mail scanners follow links), POST confirms."""
    token = token[:500]
    try:
        if request.method == "POST":
            address_confirm(token=token)
            return render(request, "core/address_confirm.html", {"confirmed": True})
        address_confirm_check(token=token)
    except ParvisError as error:
        return render(request, "core/address_confirm.html", {"error": error.message}, status=400)
    return render(request, "core/address_confirm.html", {})


def _float_param(request: HttpRequest, name: str) -> float | None:
    try:
        value = float(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _address_json(address: geocoding.Address) -> dict[str, object]:
    return {
        "label": address.label,
        "street": address.street,
        "housenumber": address.housenumber,
        "postcode": address.postcode,
        "city": address.city,
        "citycode": address.citycode,
        "lat": address.latitude,
        "lon": address.longitude,
    }


@require_GET
def address_complete(request: HttpRequest) -> HttpResponse:
    """Addresses matching the first letters typed (``?q=``), for the address fields' script.

    Without the address engine (no Redis) the list is empty: the field stays free text.
    """
    wait = ratelimit_request(request, scope="core.address_lookup")
    if wait:
        return JsonResponse({"error": _("Trop de requêtes.")}, status=429)
    query = " ".join(request.GET.get("q", "").split())[:200]
    found = geocoding.geocode(query, limit=6) if len(query) >= geocoding.MIN_QUERY else []
    response = JsonResponse({"addresses": [_address_json(a) for a in found]})
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_GET
def address_reverse(request: HttpRequest) -> HttpResponse:
    """The address nearest a position (``?lat=&lon=``), for "utiliser ma position"."""
    wait = ratelimit_request(request, scope="core.address_lookup")
    if wait:
        return JsonResponse({"error": _("Trop de requêtes.")}, status=429)
    lat, lon = _float_param(request, "lat"), _float_param(request, "lon")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return JsonResponse({"error": _("Indiquez lat et lon en degrés (WGS 84).")}, status=400)
    found = geocoding.reverse(latitude=lat, longitude=lon)
    response = JsonResponse({"address": _address_json(found) if found else None})
    response["Cache-Control"] = "private, no-store"
    return response
