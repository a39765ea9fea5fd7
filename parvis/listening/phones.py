"""Phone numbers: parsed and normalised with ``phonenumbers``, kept only as a keyed hash.

The hash (HMAC-SHA256 keyed with ``PARVIS_PHONE_HASH_KEY``) lets the portal recognise a number
again (a replay, an opt-out) without storing it; without the key nobody can test a guess.
"""

from __future__ import annotations

import hashlib
import hmac

import phonenumbers
from django.conf import settings


class PhoneInvalid(ValueError):
    """Not a phone number one can send an SMS to."""


def phone_normalise(raw: str) -> str:
    """The E.164 form of ``raw`` ("06 12 34 56 78" → "+33612345678"), or PhoneInvalid."""
    raw = (raw or "").strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        parsed = phonenumbers.parse(raw, settings.PARVIS_SMS_DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise PhoneInvalid(str(error)) from None
    if not phonenumbers.is_possible_number(parsed):
        raise PhoneInvalid("impossible number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


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
