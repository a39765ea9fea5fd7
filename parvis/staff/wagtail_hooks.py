"""The second-factor pages live in the back office (``/admin/2fa/``) and in the account menu."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("2fa/", include("parvis.staff.urls"))]


@hooks.register("register_account_menu_item")
def register_second_factor_menu_item(request: HttpRequest) -> dict[str, str]:
    return {
        "url": reverse("staff_second_factor"),
        "label": _("Double authentification"),
        "help_text": _(
            "Protégez votre compte avec un code à usage unique donné par une application "
            "d'authentification, en plus du mot de passe."
        ),
    }
