"""Back office: "Fédivers", the city's actors, their follower counts and the delivery queue."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from parvis.federation import activities, selectors


def fediverse_status(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    actors = selectors.actors_status()
    for row in actors:
        row["handle"] = f"@{row['actor'].username}@{activities.host()}"
    context = {
        "page_title": _("Fédivers"),
        "header_icon": "globe",
        "actors": actors,
        "deliveries": selectors.deliveries_status(),
        "dead": selectors.deliveries_dead(),
    }
    return render(request, "federation/admin/status.html", context)
