"""Brute-force protection of the back-office login (django-axes), seen through Parvis' eyes.

django-axes counts failed logins per username and client address and refuses the account from
that address for a cool-off period. This module gives it the client address Parvis trusts
(``parvis.core.ratelimit.client_ip``: ``X-Forwarded-For`` only from a trusted proxy), the
back office's own lockout page in French, and a JSON log event for each lockout.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from wagtail.admin.views.account import get_user_login_form, password_reset_enabled

from parvis.core.ratelimit import client_hash, client_ip

security_log = logging.getLogger("parvis.security")


def login_client_ip(request: HttpRequest) -> str | None:
    """The address axes counts failures against: ``client_ip``, or None if not an address.

    Requests built by Django itself (``Client.force_login``) have no peer address; axes stores
    addresses in a GenericIPAddressField, which PostgreSQL would refuse a placeholder for.
    """
    address = client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def cooloff_seconds() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    return int(cooloff.total_seconds()) if cooloff else 0


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The login page again, with a French explanation, as a 429 with ``Retry-After``."""
    minutes = max(1, cooloff_seconds() // 60)
    messages.error(
        request,
        _(
            "Trop de tentatives de connexion échouées pour ce compte depuis cette adresse : "
            "la connexion est bloquée pendant %(minutes)d minutes. Si vous avez oublié votre "
            "mot de passe, utilisez « Mot de passe oublié ? » ; sinon, un administrateur peut "
            "lever le blocage."
        )
        % {"minutes": minutes},
    )
    form_class = get_user_login_form()
    response = render(
        request,
        "wagtailadmin/login.html",
        {"form": form_class(request=request), "show_password_reset": password_reset_enabled()},
        status=429,
    )
    response["Retry-After"] = str(cooloff_seconds() or 60)
    return response


def _log_lockout(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **kwargs: Any
) -> None:
    """One JSON line per lockout; the username and address only as pseudonymous hashes."""
    security_log.warning(
        "login locked out",
        extra={
            "event": "staff.login_locked_out",
            "username_hash": hashlib.sha256(
                f"{settings.SECRET_KEY}:{username or ''}".encode()
            ).hexdigest()[:16],
            "client_hash": client_hash(request)[:16],
            "cooloff_seconds": cooloff_seconds(),
        },
    )


def lockout_log_connect() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_log_lockout, dispatch_uid="parvis.staff.lockout_log")
