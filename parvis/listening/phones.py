"""Phone numbers: parsed and normalised with ``phonenumbers``, kept only as a keyed hash.

The hash (HMAC-SHA256 keyed with ``PARVIS_PHONE_HASH_KEY``) lets the portal recognise a number
again (a replay, an opt-out) without storing it; without the key nobody can test a guess.
"""

from __future__ import annotations

import hashlib
import hmac

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _

from parvis.core import personal_data


class PhoneInvalid(ValueError):
    """Not a phone number one can send an SMS to."""


def phone_normalise(raw: str) -> str:
    """The E.164 form of ``raw`` ("06 12 34 56 78" → "+33612345678"), or PhoneInvalid.

    The rule is core's (``personal_data.phone_normalise``), so that a number the SMS channel
    accepted is one "Mes données" finds.
    """
    number = personal_data.phone_normalise(raw)
    if not number:
        raise PhoneInvalid(_("Ce numéro de téléphone n'est pas valable."))
    return number


def phone_is_mobile(number: str) -> bool:
    """Whether the E.164 ``number`` can receive an SMS (mobile, or unknown kind)."""
    kind = phonenumbers.number_type(phonenumbers.parse(number))
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        phonenumbers.PhoneNumberType.UNKNOWN,
    )


def phone_hash(number: str) -> str:
    """The keyed hash of a normalised number (hex, 64 characters)."""
    key = settings.PARVIS_PHONE_HASH_KEY.encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def sms_recipient(hashed: str) -> str:
    """The outbox's recipient for an SMS: the hash, never the number."""
    return f"sms:{hashed}"
