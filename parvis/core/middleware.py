"""Cross-cutting HTTP behaviour: request IDs, access log, a busy database, the back office's CSP."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.template import loader
from django.utils.translation import gettext as _

from parvis.core.logging import path_redacted, request_id_var

access_log = logging.getLogger("parvis.access")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Tags each request with an ID (a proxy's ``X-Request-ID`` if well-formed) and logs it.

    The access line records method, path (no query string: it may carry personal data or a
    token; and path segments that are someone's key redacted), status and duration; never the
    client address, cookies or the body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": path_redacted(request),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    # hit, miss or skip for Wagtail pages (parvis.core.pagecache), else "-"
                    "cache": getattr(request, "page_cache", "-"),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


BUSY_RETRY_AFTER = 5  # seconds
# SQLite's busy timeout ran out; PostgreSQL's lock_timeout (55P03) or a deadlock (40P01).
_BUSY_MESSAGES = ("database is locked", "database table is locked")
_BUSY_SQLSTATES = {"55P03", "40P01"}


def is_database_busy(exception: BaseException) -> bool:
    """True when a write waited too long for another's lock: worth retrying, not a bug."""
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    return (
        any(text in str(exception) for text in _BUSY_MESSAGES)
        or getattr(cause, "sqlstate", None) in _BUSY_SQLSTATES
    )


def database_busy_response(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: JSON ``{"error": …}`` for the API, the HTML page otherwise."""
    if request.path.startswith("/api/") or request.path.endswith(".json"):
        message = _("Le service est momentanément surchargé : réessayez dans quelques secondes.")
        response: HttpResponse = JsonResponse({"error": message}, status=503)
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseBusyMiddleware:
    """A write that found the database locked answers 503 + ``Retry-After``, never a 500.

    Nothing is lost: the failed request's transaction rolled back, what was stored stays.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_busy(exception):
            return None
        access_log.warning("database busy", extra={"path": path_redacted(request)})
        return database_busy_response(request)


class AdminAwareCSPMiddleware(CSPMiddleware):
    """The strict self-only policy everywhere; the Wagtail back office, which still relies on
    inline styles and scripts, gets only those two relaxations (never third-party hosts)."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith("/admin/") and not report_only:
            update = dict(parts.update or {})
            for directive, values in settings.PARVIS_ADMIN_CSP_EXTRA.items():
                update[directive] = list(update.get(directive, [])) + list(values)
            parts.update = update
        return parts


class PublishedSiteMiddleware:
    """Finds the Wagtail site of a request's host once per publication (``core.published``)
    rather than on each request: Wagtail's lookup is one of the costliest queries of a page
    (its SQL alone takes longer to build than most pages' queries take to run). Sites draw a new
    publication generation when saved or deleted, so a new site or a changed host is seen at the
    next request. The key is what Wagtail's own lookup reads: the host name and port."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.http.request import split_domain_port
        from wagtail.models import Site

        from parvis.core.published import published_memo

        if not hasattr(request, "_wagtail_site"):  # Site.find_for_request's per-request memo
            hostname = split_domain_port(request._get_raw_host())[0]
            port = request.get_port()
            request._wagtail_site = published_memo(  # type: ignore[attr-defined]
                ("wagtail-site", hostname, port), lambda: Site._find_for_request(request)
            )
        return self.get_response(request)
