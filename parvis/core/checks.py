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
