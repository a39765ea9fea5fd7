"""Every back-office path asks for the second factor before it answers.

With ``PARVIS_REQUIRE_2FA`` (on in production), a signed-in user whose session has not been
verified with a one-time code is sent to the verification page, or to the enrolment page if
they have no device yet. Without it, only users who chose to enrol are asked for their code.
The few back-office paths reachable before signing in (login, logout, password reset, the
JavaScript catalogue, icons) and the second-factor pages themselves are left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp import user_has_device

from parvis.staff.oidc import SSO_MFA_SESSION_KEY


@cache
def _admin_prefix() -> str:
    return reverse("wagtailadmin_home")


@cache
def _open_prefixes() -> tuple[str, ...]:
    names = [
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_password_reset",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "staff_second_factor",
        "staff_oidc_login",
    ]
    return tuple(reverse(name) for name in names)


def second_factor_required(request: HttpRequest) -> bool:
    """Whether this request must first go through the second-factor step."""
    path = request.path_info
    if not path.startswith(_admin_prefix()) or path.startswith(_open_prefixes()):
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_verified():
        return False
    if request.session.get(SSO_MFA_SESSION_KEY) == user.pk:
        return False  # signed in through the SSO at a multi-factor level
    return settings.PARVIS_REQUIRE_2FA or user_has_device(user, confirmed=True)


class SecondFactorMiddleware:
    """Redirects unverified back-office sessions to the second-factor step (after OTPMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if second_factor_required(request):
            name = (
                "staff_second_factor_verify"
                if user_has_device(request.user, confirmed=True)
                else "staff_second_factor_enrol"
            )
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(name)}?{query}")
        return self.get_response(request)
