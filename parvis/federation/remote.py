"""Talking to other servers: fetch an actor document, POST an activity.

Every outgoing request goes through here, so that a shared SSRF-safe fetcher can replace the small
guard below in one place: only http(s), at most ``MAX_BYTES`` read, a timeout, no redirect
followed, and no private, loopback, link-local or reserved address after name resolution
(``PARVIS_FEDERATION_ALLOW_LOOPBACK`` lets the tests talk to loopback servers).
"""

from __future__ import annotations

import ipaddress
import json
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings

from parvis.core.errors import ParvisError

MAX_BYTES = 256 * 1024
ACTIVITY_JSON = "application/activity+json"
ACCEPT = f'{ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


class RemoteError(ParvisError):
    """A remote server that cannot be reached, refuses, or answers something unreadable."""


def _timeout() -> float:
    return float(getattr(settings, "PARVIS_FEDERATION_TIMEOUT", 10))


def destination_check(url: str) -> None:
    """Refuse a URL that is not http(s) or whose host resolves to a non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError("only http and https addresses", code="bad_scheme")
    if parts.scheme == "http" and not settings.PARVIS_FEDERATION_ALLOW_LOOPBACK and settings.HTTPS:
        raise RemoteError("plain http is refused in production", code="bad_scheme")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise RemoteError("unknown host", code="unknown_host") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if address.is_loopback and settings.PARVIS_FEDERATION_ALLOW_LOOPBACK:
            continue
        if not address.is_global or address.is_multicast:
            raise RemoteError("address not reachable from here", code="private_address")


def _read(response: requests.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_content(16384):
        size += len(chunk)
        if size > MAX_BYTES:
            raise RemoteError("answer too large", code="too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def http_get_json(url: str, *, headers: dict[str, str]) -> dict[str, Any]:
    """GET an ActivityStreams document; RemoteError when unreachable or not a JSON object."""
    destination_check(url)
    try:
        with requests.get(
            url, headers=headers, timeout=_timeout(), allow_redirects=False, stream=True
        ) as response:
            if response.status_code != 200:
                raise RemoteError(f"HTTP {response.status_code}", code="http_status")
            body = _read(response)
    except requests.RequestException as error:
        raise RemoteError(type(error).__name__, code="unreachable") from None
    try:
        document = json.loads(body)
    except ValueError:
        raise RemoteError("not JSON", code="not_json") from None
    if not isinstance(document, dict):
        raise RemoteError("not a JSON object", code="not_json")
    return document


def http_post(url: str, *, headers: dict[str, str], body: bytes) -> int:
    """POST ``body``; returns the status code; RemoteError when the server cannot be reached."""
    destination_check(url)
    try:
        with requests.post(
            url, data=body, headers=headers, timeout=_timeout(), allow_redirects=False, stream=True
        ) as response:
            return response.status_code
    except requests.RequestException as error:
        raise RemoteError(type(error).__name__, code="unreachable") from None
