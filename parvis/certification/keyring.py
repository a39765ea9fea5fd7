"""Key lifecycle services: create, rotate, revoke (the commands are thin over these)."""

from __future__ import annotations

import datetime as dt
import os
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.certification.keys import (
    SigningKeyError,
    forget_cached_keys,
    key_file,
    key_register,
    private_key,
    public_bytes,
    seed_write,
)
from parvis.certification.models import SigningKey


def keys_init(*, register: bool = True) -> str:
    """Create the signing key file if none is configured; returns the key's kid."""
    if os.environ.get("PARVIS_SIGNING_KEY"):
        raise SigningKeyError(_("La clé est déjà fournie par PARVIS_SIGNING_KEY."))
    path = key_file()
    if path.exists():
        raise SigningKeyError(_("Une clé existe déjà : utilisez keys_rotate pour la remplacer."))
    seed_write(path, secrets.token_bytes(32))
    forget_cached_keys()
    key = private_key()
    if register:
        return key_register(public_key=public_bytes(key)).kid
    from parvis.certification.keys import kid_for

    return kid_for(public_bytes(key))


@transaction.atomic
def keys_rotate() -> SigningKey:
    """Replace the signing key: the old one stops signing, its past signatures stay valid."""
    if os.environ.get("PARVIS_SIGNING_KEY"):
        raise SigningKeyError(
            _("La clé vient de PARVIS_SIGNING_KEY : changez la variable, puis redémarrez.")
        )
    key_register(public_key=public_bytes(private_key()))  # the old key is known before closing
    seed_write(key_file(), secrets.token_bytes(32))
    forget_cached_keys()
    return key_register(public_key=public_bytes(private_key()))


@transaction.atomic
def key_revoke(*, kid: str, revoked_from: dt.datetime, reason: str) -> SigningKey:
    """Mark a key compromised from ``revoked_from``: verifiers reject what it signed after."""
    row = SigningKey.objects.select_for_update().filter(kid=kid).first()
    if row is None:
        raise SigningKeyError(_("Clé inconnue."), code="not_found")
    if timezone.is_naive(revoked_from):
        revoked_from = timezone.make_aware(revoked_from, dt.UTC)
    row.revoked_from = revoked_from
    row.revocation_reason = reason
    if row.valid_to is None or row.valid_to > revoked_from:
        row.valid_to = max(revoked_from, row.valid_from)
    row.save()
    forget_cached_keys()
    return row
