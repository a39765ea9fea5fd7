"""A production portal must not start without its signing key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from parvis.certification.keys import key_configured


def signing_key_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.HTTPS and not key_configured():
        return [
            checks.Error(
                "No signing key: publications cannot be certified.",
                hint="Run `parvis keys_init` or set PARVIS_SIGNING_KEY / PARVIS_SIGNING_KEY_FILE.",
                id="certification.E001",
            )
        ]
    return []
