from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

CONFORMITY = {
    "non": _("Accessibilité : non conforme"),
    "partielle": _("Accessibilité : partiellement conforme"),
    "totale": _("Accessibilité : totalement conforme"),
}


def _site(request: HttpRequest) -> Any:
    """The Wagtail site serving the request when it is a commune's own, else None."""
    from wagtail.models import Site

    try:
        site = Site.find_for_request(request)
    except DatabaseError:
        return None
    return site if site is not None and not site.is_default_site else None


def _site_name(request: HttpRequest) -> str:
    site = _site(request)
    return site.site_name if site is not None and site.site_name else settings.WAGTAIL_SITE_NAME


def _city_name(request: HttpRequest) -> str:
    site = _site(request)
    try:
        return site.commune.name if site is not None else settings.PARVIS_CITY_NAME
    except ObjectDoesNotExist:  # a site no commune claims
        return settings.PARVIS_CITY_NAME


def portal(request: HttpRequest) -> dict[str, object]:
    """Names every template needs: the city and the portal's public base URL.

    On a commune's own site (one install serves the Métropole's communes), its name and its
    site's name; evaluated only when a template uses them.
    """
    return {
        "city_name": SimpleLazyObject(lambda: _city_name(request)),
        "site_name": SimpleLazyObject(lambda: _site_name(request)),
        "base_url": settings.BASE_URL,
        # The footer's RGAA mention: "non conforme" until the city declares an audited level.
        "accessibility_conformity": CONFORMITY.get(
            settings.PARVIS_ACCESSIBILITY_CONFORMITY, CONFORMITY["non"]
        ),
    }
