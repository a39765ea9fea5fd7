"""Back office: "Groupes des quartiers" (proposals, feeds, events) for moderators."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from parvis.networks import admin_urls
from parvis.networks.permissions import can_moderate


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request) -> bool:  # noqa: ANN001 — Wagtail's signature
        return can_moderate(request.user)


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("groupes/", include((admin_urls, "networks_admin")))]


@hooks.register("register_admin_menu_item")
def register_networks_menu() -> SubmenuMenuItem:
    menu = Menu(
        items=[
            ModeratorMenuItem(
                _("Propositions de groupes"),
                reverse("networks_admin:groups"),
                icon_name="group",
                order=100,
            ),
            ModeratorMenuItem(
                _("Flux des groupes"), reverse("networks_admin:feeds"), icon_name="rss", order=200
            ),
            ModeratorMenuItem(
                _("Événements lus"), reverse("networks_admin:events"), icon_name="date", order=300
            ),
        ]
    )
    return SubmenuMenuItem(
        _("Groupes des quartiers"), menu, name="networks", icon_name="group", order=160
    )
