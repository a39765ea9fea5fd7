"""Talking to other servers: fetch an actor document, POST an activity.

Every outgoing request goes through ``parvis.core.safehttp.safe_fetch``: only http(s), at most
``MAX_BYTES`` read, a timeout, no redirect followed, and no private, loopback, link-local or
reserved address after name resolution, connecting to the address it checked (no DNS
rebinding). ``PARVIS_FEDERATION_ALLOW_LOOPBACK`` lets the tests talk to loopback servers.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from parvis.core.errors import ParvisError
from parvis.core.safehttp import FetchError, safe_fetch

MAX_BYTES = 256 * 1024
ACTIVITY_JSON = "application/activity+json"
ACCEPT = f'{ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


class RemoteError(ParvisError):
    """A remote server that cannot be reached, refuses, or answers something unreadable."""


def _timeout() -> float:
    return float(getattr(settings, "PARVIS_FEDERATION_TIMEOUT", 10))


def destination_check(url: str) -> None:
    """Refuse a URL that is not http(s) (plain http only where loopback is allowed, in tests);
    the address checks are ``safe_fetch``'s, made on the address it then connects to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError("only http and https addresses", code="bad_scheme")
    if parts.scheme == "http" and not settings.PARVIS_FEDERATION_ALLOW_LOOPBACK and settings.HTTPS:
        raise RemoteError("plain http is refused in production", code="bad_scheme")


def _fetch(url: str, *, headers: dict[str, str], method: str = "GET", body: bytes | None = None):
    destination_check(url)
    sent = {k: v for k, v in headers.items() if k.lower() not in ("accept", "host", "user-agent")}
    return safe_fetch(
        url,
        method=method,
        body=body,
        headers=sent,
        accept=headers.get("Accept", headers.get("accept", ACCEPT)),
        max_bytes=MAX_BYTES,
        max_redirects=0,
        timeout=_timeout(),
        deadline=_timeout(),
        allow_loopback=bool(settings.PARVIS_FEDERATION_ALLOW_LOOPBACK),
    )


def _code(error: FetchError) -> str:
    """safe_fetch's refusal in this module's words ("private_address" is a permanent failure)."""
    return {"blocked_address": "private_address"}.get(error.code or "", error.code or "unreachable")


def http_get_json(url: str, *, headers: dict[str, str]) -> dict[str, Any]:
    """GET an ActivityStreams document; RemoteError when unreachable or not a JSON object."""
    try:
        result = _fetch(url, headers=headers)
    except FetchError as error:
        raise RemoteError(str(error), code=_code(error)) from None
    if result.status != 200:
        raise RemoteError(f"HTTP {result.status}", code="http_status")
    try:
        document = json.loads(result.content)
    except ValueError:
        raise RemoteError("not JSON", code="not_json") from None
    if not isinstance(document, dict):
        raise RemoteError("not a JSON object", code="not_json")
    return document


def http_post(url: str, *, headers: dict[str, str], body: bytes) -> int:
    """POST ``body``; returns the status code; RemoteError when the server cannot be reached."""
    try:
        return _fetch(url, headers=headers, method="POST", body=body).status
    except FetchError as error:
        if error.code == "http_status" and error.status is not None:
            return error.status
        raise RemoteError(str(error), code=_code(error)) from None
