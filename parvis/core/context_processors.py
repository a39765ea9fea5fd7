from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    """Names every template needs: the city and the portal's public base URL."""
    return {
        "city_name": settings.PARVIS_CITY_NAME,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "base_url": settings.BASE_URL,
    }
