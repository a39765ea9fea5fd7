"""Idempotency keys for writes (IETF draft-ietf-httpapi-idempotency-key-header).

    outcome = idempotency_run(scope="open311:7", key=key, fingerprint=fp, produce=make)

- First request: the key's row, ``produce()``'s writes and the stored response commit in one
  transaction, so the stored response exists if and only if the write committed.
- Same key, same fingerprint, after completion: the stored response is replayed, nothing runs;
  a retry sent while the first runs waits for its commit, then replays it.
- Same key, different fingerprint: 422. A row left in flight (by an older version, which
  committed its lease first) answers 409 until its lease ends.
- A key is scoped by the client's identity; rows expire after ``IDEMPOTENCY_TTL`` (24 h).
- A request that dies mid-way (crash, SIGKILL) rolls back with its key: the retry runs again.
  (Rows committed in flight by older versions are taken over once their lease,
  ``PARVIS_IDEMPOTENCY_LEASE_SECONDS``, has passed.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.errors import ParvisError
from parvis.core.models import IdempotencyRecord

IDEMPOTENCY_TTL = dt.timedelta(hours=24)
# A structured-field string ("…") or a bare token; printable ASCII without spaces or quotes.
_KEY_RE = re.compile(r'^"?([\x21\x23-\x7e]{1,255})"?$')


class IdempotencyKeyInvalid(ParvisError):
    status_code = 400


class IdempotencyInFlight(ParvisError):
    status_code = 409


class IdempotencyKeyReused(ParvisError):
    status_code = 422


@dataclass(frozen=True)
class StoredResponse:
    status: int
    content_type: str
    body: bytes
    replayed: bool = False


def idempotency_key_parse(raw: str | None) -> str | None:
    """The key of an ``Idempotency-Key`` header value; None if absent; 400 if malformed."""
    if raw is None or raw.strip() == "":
        return None
    match = _KEY_RE.match(raw.strip())
    if not match or (raw.strip().startswith('"') != raw.strip().endswith('"')):
        raise IdempotencyKeyInvalid(
            str(_("La clé d'idempotence est mal formée.")), code="idempotency_key_invalid"
        )
    return match.group(1)


def fingerprint(items: Iterable[tuple[str, object]]) -> str:
    """A stable hash of a payload: independent of the order of its fields."""
    canonical = json.dumps(sorted((str(k), str(v)) for k, v in items), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "PARVIS_IDEMPOTENCY_LEASE_SECONDS", 30))


def _replay_or_refuse(record: IdempotencyRecord, fp: str, now: dt.datetime) -> StoredResponse:
    if record.fingerprint != fp:
        raise IdempotencyKeyReused(
            str(_("Cette clé d'idempotence a déjà servi pour une autre requête.")),
            code="idempotency_key_reused",
        )
    if not record.in_flight:
        return StoredResponse(
            record.response_status,
            record.response_type,
            bytes(record.response_body),
            replayed=True,
        )
    raise IdempotencyInFlight(
        str(_("Une requête avec cette clé est en cours de traitement.")),
        code="idempotency_in_flight",
    )


def _claim(*, scope: str, key: str, fp: str) -> IdempotencyRecord | StoredResponse:
    """Take the key in the current transaction, or return what a previous request stored."""
    now = timezone.now()
    record = IdempotencyRecord.objects.select_for_update().filter(scope=scope, key=key).first()
    if record is not None and record.created_at < now - IDEMPOTENCY_TTL:
        record.delete()  # expired: the key may be used again
        record = None
    if record is None:
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    scope=scope,
                    key=key,
                    fingerprint=fp,
                    lease_until=now + _lease(),
                    created_at=now,
                )
        except IntegrityError:
            # A concurrent request with the same key committed first (PostgreSQL waited for it
            # on the unique index): replay what it stored.
            record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
            if record is None:
                raise IdempotencyInFlight(
                    str(_("Une requête avec cette clé est en cours de traitement.")),
                    code="idempotency_in_flight",
                ) from None
            return _replay_or_refuse(record, fp, now)
    if record.in_flight and record.fingerprint == fp and record.lease_until <= now:
        record.lease_until = now + _lease()  # a request of an older version died: take over
        record.save(update_fields=["lease_until"])
        return record
    return _replay_or_refuse(record, fp, now)


def idempotency_run(
    *, scope: str, key: str, fingerprint: str, produce: Callable[[], StoredResponse]
) -> StoredResponse:
    """Run ``produce`` at most once per (scope, key); replay its response afterwards.

    The key's record, ``produce``'s writes and the stored response commit in one transaction
    (one durable commit per request): a request that dies before the commit leaves nothing, so
    its retry simply runs again; a retry that arrives while the first is running waits for its
    commit (the write lock on SQLite, the unique index on PostgreSQL) and replays it. If
    ``produce`` raises, nothing is stored and the key stays free for a corrected request.
    """
    with transaction.atomic():
        claimed = _claim(scope=scope, key=key, fp=fingerprint)
        if isinstance(claimed, StoredResponse):
            return claimed
        response = produce()
        IdempotencyRecord.objects.filter(pk=claimed.pk).update(
            in_flight=False,
            response_status=response.status,
            response_type=response.content_type,
            response_body=response.body,
        )
    return response


def idempotency_purge() -> int:
    """Delete records past their TTL; returns how many."""
    cutoff = timezone.now() - IDEMPOTENCY_TTL
    return IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()[0]
