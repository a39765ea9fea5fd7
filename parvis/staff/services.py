"""Second factor of back-office accounts: enrol an authenticator app, verify, backup codes.

Devices are django-otp's: a TOTP device (RFC 6238, any authenticator app) and a static device
holding single-use backup codes. django-otp refuses a TOTP code already used (``last_t``) and
throttles failures (1 s, 2 s, 4 s… after each wrong code), per device.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_NAME = "Application d'authentification"
BACKUP_NAME = "Codes de secours"
BACKUP_CODES = 10
_TOTP_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Verification:
    """The outcome of a code: the device that accepted it, or why not."""

    device: Device | None = None
    throttled_until: datetime | None = None


def totp_device_pending(*, user: AbstractBaseUser) -> TOTPDevice:
    """The user's TOTP device awaiting its first code, created (with a new secret) if none."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
        return device


def _backup_codes_replace(*, user: AbstractBaseUser) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def totp_device_confirm(*, user: AbstractBaseUser, token: str) -> tuple[Verification, list[str]]:
    """Confirm the pending device with its first code; it replaces any earlier TOTP device.

    Returns the verification and, on success, a fresh set of backup codes (shown once).
    """
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            return Verification(), []
        allowed, extra = device.verify_is_allowed()
        if not allowed:
            return Verification(throttled_until=(extra or {}).get("locked_until")), []
        if not device.verify_token(_clean(token)):
            return Verification(), []
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return Verification(device=device), _backup_codes_replace(user=user)


def second_factor_verify(*, user: AbstractBaseUser, token: str) -> Verification:
    """Check a code against the device its shape names: 6 digits = the app, else a backup code.

    Only that device is tried, so a wrong app code never throttles the backup codes.
    """
    token = _clean(token)
    model = TOTPDevice if _TOTP_CODE.match(token) else StaticDevice
    with transaction.atomic():
        devices = list(
            model.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("pk")
        )
        throttled_until = None
        for device in devices:
            allowed, extra = device.verify_is_allowed()
            if not allowed:
                throttled_until = (extra or {}).get("locked_until")
                continue
            if device.verify_token(token):
                return Verification(device=device)
        return Verification(throttled_until=throttled_until)


def backup_codes_renew(*, user: AbstractBaseUser) -> list[str]:
    """New backup codes for an enrolled user; the previous ones stop working."""
    with transaction.atomic():
        return _backup_codes_replace(user=user)


def second_factor_reset(*, user: AbstractBaseUser) -> int:
    """Remove every device of a user (lost phone): they enrol again at their next login."""
    with transaction.atomic():
        totp, static = TOTPDevice.objects.filter(user=user), StaticDevice.objects.filter(user=user)
        removed = totp.count() + static.count()
        totp.delete()
        static.delete()
        return removed


def _clean(token: str) -> str:
    return re.sub(r"[\s-]", "", token or "").lower()
