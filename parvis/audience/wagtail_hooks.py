"""Back office of the audience measure: the editors' dashboard."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from parvis.audience.permissions import can_see_audience
from parvis.audience.services import ROLLUP_EVERY_MINUTES
from parvis.core.text import is_ascii_number

PERIODS = (7, 30, 90, 365)


class AudienceMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return can_see_audience(request.user)


def audience_dashboard(request: HttpRequest) -> HttpResponse:
    """Top pages, top questions without an answer, weekly trends, "utile / pas utile" per page."""
    from parvis.audience.selectors import (
        audience_top_pages,
        audience_top_unanswered,
        audience_usefulness,
        audience_weeks,
    )

    if not can_see_audience(request.user):
        raise PermissionDenied
    raw = request.GET.get("jours", "30")
    days = int(raw) if is_ascii_number(raw) and int(raw) in PERIODS else 30
    # Read-only: searches and votes are rolled up by the worker (audience_rollup_task, every
    # 15 minutes), never by a GET.
    weeks = audience_weeks(weeks=12)
    return render(
        request,
        "audience/admin/dashboard.html",
        {
            "days": days,
            "periods": PERIODS,
            "top_pages": audience_top_pages(days=days),
            "unanswered": audience_top_unanswered(days=days),
            "weeks": weeks,
            "max_views": max([w.views for w in weeks] + [1]),
            "usefulness": audience_usefulness(days=days),
            "minimum": settings.PARVIS_AUDIENCE_OPEN_DATA_MIN,
            "rollup_minutes": ROLLUP_EVERY_MINUTES,
        },
    )


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("frequentation/", audience_dashboard, name="audience_dashboard")]


@hooks.register("register_admin_menu_item")
def register_audience_menu_item() -> MenuItem:
    return AudienceMenuItem(
        _("Fréquentation"), reverse("audience_dashboard"), icon_name="view", order=265
    )
