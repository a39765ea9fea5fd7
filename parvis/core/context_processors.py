from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

CONFORMITY = {
    "non": _("Accessibilité : non conforme"),
    "partielle": _("Accessibilité : partiellement conforme"),
    "totale": _("Accessibilité : totalement conforme"),
}


def portal(request: HttpRequest) -> dict[str, object]:
    """Names every template needs: the city and the portal's public base URL."""
    return {
        "city_name": settings.PARVIS_CITY_NAME,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "base_url": settings.BASE_URL,
        # The footer's RGAA mention: "non conforme" until the city declares an audited level.
        "accessibility_conformity": CONFORMITY.get(
            settings.PARVIS_ACCESSIBILITY_CONFORMITY, CONFORMITY["non"]
        ),
    }
