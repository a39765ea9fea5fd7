"""Cross-cutting HTTP behaviour: request IDs, access log, and the back office's CSP."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from parvis.core.logging import request_id_var

access_log = logging.getLogger("parvis.access")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Tags each request with an ID (a proxy's ``X-Request-ID`` if well-formed) and logs it.

    The access line records method, path (no query string: it may carry personal data),
    status and duration; never the client address, cookies or the body.
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
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    # hit, miss or skip for Wagtail pages (parvis.core.pagecache), else "-"
                    "cache": getattr(request, "page_cache", "-"),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


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
