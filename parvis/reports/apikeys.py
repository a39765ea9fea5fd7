"""Open311 API keys: random, shown once, stored as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from parvis.reports.models import ApiKey


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def api_key_create(*, name: str) -> tuple[ApiKey, str]:
    """Create a key for the client ``name``; returns the record and the key, shown only once."""
    raw = "pv311_" + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(name=name, prefix=raw[:12], key_hash=_hash(raw))
    return key, raw


def api_key_check(*, raw: str) -> ApiKey | None:
    """The active key matching ``raw``, or None (high-entropy keys: a hash lookup is enough)."""
    if not raw or len(raw) > 200:
        return None
    return ApiKey.objects.filter(key_hash=_hash(raw), active=True).first()
