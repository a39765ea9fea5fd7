"""The one policy every public write goes through: body cap, content type, limits, retries.

    @public_write("reports.create", style="html")
    def report_new(request): ...

    @router.post("")
    @decorate_view(public_write("api.create", style="json", json_body=True))
    def reports_create(request, payload): ...

Each door (a view that stores something a member of the public sent) is named; its settings are

- ``PARVIS_RATELIMITS[door]``: ``[(hits, seconds), …]`` per client address, e.g. ten per ten
  minutes and fifty per day; ``PARVIS_RATELIMITS[door + ".key"]``: the same per API key, when
  the door has keys (``key=``);
- ``PARVIS_WRITE_MAX_BODY[door]``: the largest body in bytes (``"default"`` otherwise).

In this order, before the view runs (safe methods pass through untouched):

1. the body is refused with 413 when ``Content-Length`` is over the cap, or absent on a chunked
   body (``Transfer-Encoding``), *without reading it*; a malformed length is a 400;
2. a JSON door takes only ``application/json`` (415 otherwise): a cross-site form can post
   ``text/plain`` without a CORS preflight, never ``application/json``;
3. the client's address (``client_ip``: ``X-Forwarded-For`` counts only from trusted proxies)
   and the API key are counted; past a limit, 429 with ``Retry-After``;
4. a malformed ``Idempotency-Key`` is a 400; with ``idempotent=True`` the policy itself makes a
   retried request (same key, same body, same client) replay the first response instead of
   writing twice. Doors whose service already takes the key (reports) keep doing it there.

Refusals speak the door's language: an HTML page with the message, ``{"error": …}`` JSON, or
whatever ``style`` callable the door passes (Open311's error arrays).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from parvis.core.errors import ParvisError
from parvis.core.idempotency import (
    StoredResponse,
    fingerprint,
    idempotency_key_parse,
    idempotency_run,
)
from parvis.core.ratelimit import client_hash, ratelimit_request, ratelimit_transaction

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
DEFAULT_MAX_BODY = 64 * 1024
View = Callable[..., HttpResponse]
Responder = Callable[[HttpRequest, int, str, dict[str, object]], HttpResponse]
Style = Literal["html", "json"] | Responder
_REDIRECT = "x-parvis-redirect"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class WriteRefused(ParvisError):
    """The policy refuses a write; ``retry_after`` seconds for a 429."""

    def __init__(
        self, message: str, *, status: int, code: str, retry_after: int | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.status_code = status
        self.retry_after = retry_after


def max_body(door: str) -> int:
    """The largest body a door accepts, in bytes."""
    caps = getattr(settings, "PARVIS_WRITE_MAX_BODY", {})
    return int(caps.get(door, caps.get("default", DEFAULT_MAX_BODY)))


def _check_body(request: HttpRequest, door: str) -> None:
    meta = request.META
    raw = (meta.get("CONTENT_LENGTH") or "").strip()
    if not raw:
        if meta.get("HTTP_TRANSFER_ENCODING"):
            raise WriteRefused(
                _("Envoyez la requête avec sa longueur (Content-Length), sans découpage."),
                status=413,
                code="length_required",
            )
        return
    if not raw.isascii() or not raw.isdigit():
        raise WriteRefused(_("Longueur de requête invalide."), status=400, code="bad_length")
    limit = max_body(door)
    if int(raw) > limit:
        raise WriteRefused(
            _("La requête est trop volumineuse (%(kb)d Ko au plus).") % {"kb": limit // 1024},
            status=413,
            code="body_too_large",
        )


def _check_json(request: HttpRequest) -> None:
    has_body = (request.META.get("CONTENT_LENGTH") or "0").strip() not in ("", "0")
    if has_body and request.content_type != "application/json":
        raise WriteRefused(
            _("Envoyez le corps de la requête en JSON (Content-Type: application/json)."),
            status=415,
            code="unsupported_media_type",
        )


def _check_limits(request: HttpRequest, door: str, key: Callable[[HttpRequest], str] | None):
    api_key = key(request) if key is not None else ""
    with ratelimit_transaction():  # the address's and the key's counters: one commit
        wait = ratelimit_request(request, scope=door)
        if not wait and api_key:
            wait = ratelimit_request(request, scope=f"{door}.key", extra=api_key, per_ip=False)
    if wait:
        raise WriteRefused(
            _("Trop de requêtes : réessayez dans %(minutes)d minute(s).")
            % {"minutes": max(1, (wait + 59) // 60)},
            status=429,
            code="rate_limited",
            retry_after=wait,
        )


def _idempotency_key(request: HttpRequest) -> str | None:
    raw = request.headers.get("Idempotency-Key")
    if (
        raw is None
        and request.method == "POST"
        and request.content_type
        in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
    ):
        raw = request.POST.get("idempotency_key")  # the hidden field of HTML forms
    return idempotency_key_parse(raw)


def refusal(request: HttpRequest, error: ParvisError, *, style: Style, **kwargs: object):
    """The door's own way of saying no: an HTML page, JSON, or the door's responder."""
    status = error.status_code
    if callable(style):
        response = style(request, status, error.message, kwargs)
    elif style == "json":
        response = JsonResponse({"error": error.message, "code": error.code}, status=status)
    else:
        context = {"message": error.message, "back": request.path}
        response = render(request, "core/write_refused.html", context, status=status)
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


class _NotStored(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _replayable(request: HttpRequest, door: str, key: str, view: View, args, kwargs):
    if request.content_type in _FORM_TYPES:  # parsed already: the fields, not the raw body
        fields = [(k, v) for k in request.POST for v in request.POST.getlist(k)]
        body = fingerprint([f for f in fields if f[0] != "csrfmiddlewaretoken"])
    else:
        body = hashlib.sha256(request.body).hexdigest()
    fp = fingerprint([("path", request.get_full_path()), ("body", body)])

    def produce() -> StoredResponse:
        response = view(request, *args, **kwargs)
        if response.status_code >= 400 or getattr(response, "streaming", False):
            raise _NotStored(response)  # a refused request releases its key for a correction
        if 300 <= response.status_code < 400:
            return StoredResponse(response.status_code, _REDIRECT, response["Location"].encode())
        return StoredResponse(
            response.status_code, response.get("Content-Type", ""), bytes(response.content)
        )

    try:
        stored = idempotency_run(
            scope=f"{door}:{client_hash(request)[:40]}",
            key=key,
            fingerprint=fp,
            produce=produce,
        )
    except _NotStored as not_stored:
        return not_stored.response
    if stored.content_type == _REDIRECT:
        response = HttpResponse(status=stored.status)
        response["Location"] = stored.body.decode()
    else:
        response = HttpResponse(stored.body, status=stored.status, content_type=stored.content_type)
    if stored.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def public_write(
    door: str,
    *,
    style: Style = "html",
    json_body: bool = False,
    key: Callable[[HttpRequest], str] | None = None,
    idempotent: bool = False,
) -> Callable[[View], View]:
    """Wrap a view so that its unsafe requests pass the public-write policy first.

    ``key`` returns the API key's id from the request (or ""), to count it too;
    ``idempotent`` replays the stored response of a retried request carrying the same
    ``Idempotency-Key`` header (or ``idempotency_key`` form field).
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if request.method in SAFE_METHODS:
                return view(request, *args, **kwargs)
            try:
                _check_body(request, door)
                if json_body:
                    _check_json(request)
                _check_limits(request, door, key)
                idempotency_key = _idempotency_key(request)
            except ParvisError as error:
                return refusal(request, error, style=style, **kwargs)
            if idempotent and idempotency_key:
                try:
                    return _replayable(request, door, idempotency_key, view, args, kwargs)
                except ParvisError as error:  # 409 in flight, 422 reused with another body
                    return refusal(request, error, style=style, **kwargs)
            return view(request, *args, **kwargs)

        # Read by PublicWriteMiddleware (and copied by functools.wraps to outer decorators).
        wrapper.public_write_door = door  # type: ignore[attr-defined]
        wrapper.public_write_style = style  # type: ignore[attr-defined]
        wrapper.public_write_json = json_body  # type: ignore[attr-defined]
        return wrapper

    return decorate


class PublicWriteMiddleware:
    """Apply the body checks of a door before any middleware reads the body.

    Django's CSRF check reads ``request.POST`` (so the whole body, files to disk included)
    before the view and its decorators run; this middleware sits before it and refuses an
    oversized, chunked or mistyped body on the headers alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: View, args: tuple, kwargs: dict[str, object]
    ) -> HttpResponse | None:
        door = getattr(view, "public_write_door", None)
        if door is None or request.method in SAFE_METHODS:
            return None
        try:
            _check_body(request, door)
            if getattr(view, "public_write_json", False):
                _check_json(request)
        except ParvisError as error:
            return refusal(request, error, style=view.public_write_style, **kwargs)
        return None
