"""Back-office account security pages: second factor (enrol, verify, backup codes) and the
rate-limited password reset. Thin: forms in, services out."""

from __future__ import annotations

import base64
import hashlib

import segno
from django import forms
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from wagtail.admin.views.account import PasswordResetView as WagtailPasswordResetView

from parvis.core.ratelimit import ratelimit_request
from parvis.staff.services import (
    Verification,
    backup_codes_renew,
    second_factor_verify,
    totp_device_confirm,
    totp_device_pending,
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code à usage unique"),
        max_length=32,
        help_text=gettext_lazy(
            "Les 6 chiffres affichés par votre application, ou l'un de vos codes de secours."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def _refusal(form: CodeForm, outcome: Verification) -> None:
    if outcome.throttled_until:
        form.add_error(
            "code",
            _("Trop de codes erronés : réessayez après %(time)s.")
            % {"time": time_format(localtime(outcome.throttled_until), "H:i:s")},
        )
    else:
        form.add_error("code", _("Ce code n'est pas valable. Vérifiez-le et réessayez."))


def _signed_in_with(request: HttpRequest, device: object) -> None:
    otp_login(request, device)
    request.session.cycle_key()  # a new session key for the newly verified session


def home_view(request: HttpRequest) -> HttpResponse:
    """The user's second-factor status, from their account menu."""
    return render(
        request,
        "staff/second_factor_home.html",
        {
            "enrolled": user_has_device(request.user, confirmed=True),
            "verified": request.user.is_verified(),
        },
    )


@never_cache  # the page holds the secret
def enrol_view(request: HttpRequest) -> HttpResponse:
    """Scan a QR code (or type the secret) into an authenticator app, then give a first code."""
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        # Replacing a device needs the current one: a password alone must not re-enrol.
        return redirect(f"{reverse('staff_second_factor_verify')}?{request.GET.urlencode()}")
    device = totp_device_pending(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome, codes = totp_device_confirm(user=user, token=form.cleaned_data["code"])
        if outcome.device is not None:
            _signed_in_with(request, outcome.device)
            return render(
                request,
                "staff/backup_codes.html",
                {"codes": codes, "next": _next_url(request), "first": True},
            )
        _refusal(form, outcome)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=_("QR code à scanner avec votre application d'authentification")
    )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "staff/second_factor_enrol.html",
        {
            "form": form,
            "qr_svg": mark_safe(qr_svg),  # SVG markup segno generated from our own URI
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
        },
        status=400 if form.is_bound else 200,
    )


@never_cache
def verify_view(request: HttpRequest) -> HttpResponse:
    """Ask the signed-in user for a code from their app or a backup code."""
    user = request.user
    if not user_has_device(user, confirmed=True):
        return redirect(f"{reverse('staff_second_factor_enrol')}?{request.GET.urlencode()}")
    if user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = second_factor_verify(user=user, token=form.cleaned_data["code"])
        if outcome.device is not None:
            _signed_in_with(request, outcome.device)
            return HttpResponseRedirect(_next_url(request))
        _refusal(form, outcome)
    return render(
        request,
        "staff/second_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.is_bound else 200,
    )


@require_POST
@never_cache  # the page holds the backup codes
def backup_codes_view(request: HttpRequest) -> HttpResponse:
    """New backup codes, for a session verified with the second factor."""
    if not request.user.is_verified():
        return redirect(f"{reverse('staff_second_factor_verify')}?next={request.path}")
    codes = backup_codes_renew(user=request.user)
    return render(
        request,
        "staff/backup_codes.html",
        {"codes": codes, "next": reverse("staff_second_factor"), "first": False},
    )


class PasswordResetView(WagtailPasswordResetView):
    """Wagtail's password reset, limited per client address and per address asked for.

    Whether an account has the address or not, the answer is the same page (Django sends mail
    only to existing accounts, silently); the limits count every request alike.
    """

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        address = request.POST.get("email", "").strip().lower()
        wait = ratelimit_request(request, scope="staff.password_reset")
        if address:
            digest = hashlib.sha256(address.encode()).hexdigest()
            wait_address = ratelimit_request(
                request, scope="staff.password_reset.address", extra=digest, per_ip=False
            )
            wait = max(wait or 0, wait_address or 0) or None
        if wait:
            form = self.get_form()
            form.is_valid()
            form.add_error(
                None,
                _("Trop de demandes de réinitialisation : réessayez dans %(minutes)d minutes.")
                % {"minutes": max(1, -(-wait // 60))},
            )
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)
