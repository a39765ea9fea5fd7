"""Back office: the "Fédivers" screen, for administrators."""

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from parvis.federation.admin_views import fediverse_status


class AdministratorsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.is_superuser


@hooks.register("register_admin_urls")
def register_status_url() -> list:
    return [path("fedivers/", fediverse_status, name="parvis_federation_status")]


@hooks.register("register_settings_menu_item")
def register_status_menu_item() -> MenuItem:
    return AdministratorsMenuItem(
        _("Fédivers"), reverse("parvis_federation_status"), icon_name="globe", order=910
    )
