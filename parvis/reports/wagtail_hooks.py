"""Back office: the "Guichet des agents" submenu with the reports inbox, and Open311 keys.

Other apps add their own entries to the same submenu with
``@hooks.register("register_guichet_menu_item")``.
"""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from parvis.reports import admin_urls
from parvis.reports.admin_views import agent_can_use_inbox
from parvis.reports.models import Category, CategoryRoute


class InboxMenuItem(MenuItem):
    def is_shown(self, request) -> bool:  # noqa: ANN001 — Wagtail's signature
        return agent_can_use_inbox(request.user)


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request) -> bool:  # noqa: ANN001
        return request.user.is_superuser


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("signalements/", include((admin_urls, "reports_admin")))]


@hooks.register("register_admin_menu_item")
def register_guichet_menu() -> SubmenuMenuItem:
    menu = Menu(register_hook_name="register_guichet_menu_item")
    return SubmenuMenuItem(
        _("Guichet des agents"), menu, name="guichet", icon_name="mail", order=150
    )


@hooks.register("register_guichet_menu_item")
def register_reports_inbox() -> MenuItem:
    return InboxMenuItem(
        _("Signalements"), reverse("reports_admin:inbox"), icon_name="warning", order=100
    )


@hooks.register("register_guichet_menu_item")
def register_api_keys() -> MenuItem:
    return SuperuserMenuItem(
        _("Clés Open311"), reverse("reports_admin:api_keys"), icon_name="key", order=900
    )


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Catégories de signalement")
    add_to_admin_menu = False
    list_display = ["name", "group", "service", "active"]


register_snippet(CategoryViewSet)


class CategoryRouteViewSet(SnippetViewSet):
    """Where a commune runs a service itself, its reports of that category go to it."""

    model = CategoryRoute
    icon = "redirect"
    menu_label = _("Orientations par commune")
    add_to_admin_menu = False
    list_display = ["category", "commune", "service"]


register_snippet(CategoryRouteViewSet)
