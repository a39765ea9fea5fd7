"""Checks a production portal must pass before it starts (``parvis check``, ``parvis serve``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


def trusted_proxies_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Behind HTTPS, Parvis sits behind a proxy: without knowing it, every client looks alike.

    Rate limits, lockouts and abuse counts key on the client's address, which only the proxy
    knows (``X-Forwarded-For``); Parvis believes that header from ``PARVIS_TRUSTED_PROXIES``
    alone, so an empty list would count every resident as the proxy's one address.
    """
    if settings.HTTPS and not settings.PARVIS_TRUSTED_PROXIES:
        return [
            checks.Error(
                "PARVIS_TRUSTED_PROXIES is empty: every client would share the proxy's address.",
                hint=(
                    "Set PARVIS_TRUSTED_PROXIES to the address of the HTTPS proxy in front of "
                    "Parvis (e.g. 127.0.0.1 for the nginx of deploy/nginx on the same machine)."
                ),
                id="core.E001",
            )
        ]
    return []


def media_urls_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Signed media URLs must outlive the cached pages that carry them.

    A page kept by the page cache (or the front cache) holds its images' signed URLs; if they
    expire first, that page shows broken images until it is rendered again.
    """
    options = settings.STORAGES.get("default", {}).get("OPTIONS", {})
    if not options.get("querystring_auth"):
        return []
    expire = int(options.get("querystring_expire", 3600))
    cached = settings.PARVIS_PAGE_CACHE_TTL + int(getattr(settings, "PARVIS_FRONT_CACHE_TTL", 0))
    if expire > cached:
        return []
    return [
        checks.Error(
            f"Signed media URLs expire after {expire} s, before a cached page does ({cached} s).",
            hint="Raise PARVIS_S3_URL_EXPIRE, or lower PARVIS_PAGE_CACHE_TTL.",
            id="core.E002",
        )
    ]
