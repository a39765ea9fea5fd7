"""Single sign-on of agents through OpenID Connect (ProConnect, the State's agent SSO).

Off unless ``PARVIS_OIDC_ISSUER`` and ``PARVIS_OIDC_CLIENT_ID`` are set. mozilla-django-oidc runs
the authorization-code flow (state, nonce, PKCE); this module adds what it leaves out and
ProConnect needs: the ID token's issuer, audience, expiry and ``acr`` are checked, an agent is
matched by e-mail to an existing, active back-office account only (never created), and a
failure sends the agent back to the login page with a French message instead of an error page.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)
from wagtail.admin.views.account import LogoutView as WagtailLogoutView

security_log = logging.getLogger("parvis.security")
SSO_MFA_SESSION_KEY = "parvis_sso_mfa"


def oidc_enabled() -> bool:
    return bool(getattr(settings, "PARVIS_OIDC_ENABLED", False))


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """ID tokens fully checked; agents matched by e-mail to existing staff accounts only."""

    # The ID token must carry all four; a signed userinfo answer (ProConnect's) names its
    # issuer and audience, which are checked the same way.
    _required_claims = ["iss", "aud"]

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if not oidc_enabled():
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("ID token algorithm not allowed")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.PARVIS_OIDC_ISSUER,
                options={"require": self._required_claims},
                leeway=30,
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token rejected: {type(exc).__name__}") from exc

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation("token is not a JWT") from exc
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO or "kid" not in header:
            raise SuspiciousOperation("token algorithm or key id not allowed")
        self._required_claims = (
            ["exp", "iat", "iss", "aud"] if "nonce" in kwargs else ["iss", "aud"]
        )
        try:
            payload = super().verify_token(token, **kwargs)
        except (KeyError, ValueError, jwt.PyJWTError) as exc:
            raise SuspiciousOperation(f"token rejected: {type(exc).__name__}") from exc
        if "nonce" in kwargs:  # the ID token (the userinfo JWT carries no nonce nor acr)
            allowed = settings.PARVIS_OIDC_ACR_ALLOWED
            if allowed and payload.get("acr") not in allowed:
                raise SuspiciousOperation("ID token acr below the required level")
            self.acr = payload.get("acr", "")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict) -> dict[str, Any]:
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):  # OpenID Connect Core, 5.3.2
            raise SuspiciousOperation("userinfo is about another subject")
        return claims

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet:
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> Any:
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None and not user.has_perm("wagtailadmin.access_admin"):
            return None
        if user is not None and getattr(self, "acr", "") in settings.PARVIS_OIDC_MFA_ACR:
            self.request.session[SSO_MFA_SESSION_KEY] = user.pk
        return user

    def create_user(self, claims: dict[str, Any]) -> Any:
        raise SuspiciousOperation("no self-service account creation")


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    security_log.warning(
        "sso login refused", extra={"event": "staff.sso_refused", "reason": reason}
    )
    messages.error(
        request,
        _(
            "La connexion par ProConnect n'a pas abouti. Si vous êtes agent de la ville, "
            "demandez à un administrateur de vérifier l'adresse e-mail de votre compte."
        ),
    )
    return HttpResponseRedirect(reverse("wagtailadmin_login"))


class LoginView(OIDCAuthenticationRequestView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        try:
            response = super().get(request)
        except SuspiciousOperation as exc:
            return _refused(request, str(exc))
        except requests.RequestException as exc:  # the provider is down or answers an error
            return _refused(request, f"provider: {type(exc).__name__}")
        if not request.user.is_authenticated:
            return _refused(request, "no matching staff account")
        return response

    @property
    def failure_url(self) -> str:
        return reverse("wagtailadmin_login")


class LogoutView(WagtailLogoutView):
    """Wagtail's logout; after an SSO login, also ends the provider's session."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get("oidc_id_token")
        if not (oidc_enabled() and id_token):
            return super().post(request, *args, **kwargs)
        logout(request)
        query = urlencode(
            {
                "id_token_hint": id_token,
                "post_logout_redirect_uri": request.build_absolute_uri(
                    reverse("wagtailadmin_login")
                ),
            }
        )
        return HttpResponseRedirect(f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}")
