"""Idempotency keys (IETF httpapi draft): replay, 409 in flight, 422 on reuse, 400, TTL."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from parvis.core.idempotency import (
    IdempotencyInFlight,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    StoredResponse,
    fingerprint,
    idempotency_key_parse,
    idempotency_run,
)
from parvis.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> StoredResponse:
        self.calls += 1
        return StoredResponse(201, "application/json", f'{{"n": {self.calls}}}'.encode())


def test_second_call_replays_without_running():
    """The same key and payload replays the stored response and runs nothing."""
    produce = Counter()
    first = idempotency_run(scope="s", key="k", fingerprint="f", produce=produce)
    second = idempotency_run(scope="s", key="k", fingerprint="f", produce=produce)
    assert produce.calls == 1
    assert second.body == first.body and second.replayed and not first.replayed


def test_keys_are_scoped_by_client():
    """Two clients using the same key do not see each other's responses."""
    produce = Counter()
    idempotency_run(scope="client-a", key="k", fingerprint="f", produce=produce)
    other = idempotency_run(scope="client-b", key="k", fingerprint="f", produce=produce)
    assert produce.calls == 2 and not other.replayed


def test_different_payload_is_422():
    """Reusing a key with another payload is refused."""
    idempotency_run(scope="s", key="k", fingerprint="f1", produce=Counter())
    with pytest.raises(IdempotencyKeyReused) as error:
        idempotency_run(scope="s", key="k", fingerprint="f2", produce=Counter())
    assert error.value.status_code == 422


def test_request_in_flight_is_409():
    """While the first request holds its lease, a retry gets 409."""
    IdempotencyRecord.objects.create(
        scope="s",
        key="k",
        fingerprint="f",
        lease_until=timezone.now() + dt.timedelta(seconds=30),
        created_at=timezone.now(),
    )
    with pytest.raises(IdempotencyInFlight) as error:
        idempotency_run(scope="s", key="k", fingerprint="f", produce=Counter())
    assert error.value.status_code == 409


def test_crashed_request_is_taken_over_after_its_lease():
    """A request that died mid-way (lease expired) is run again by the retry."""
    IdempotencyRecord.objects.create(
        scope="s",
        key="k",
        fingerprint="f",
        lease_until=timezone.now() - dt.timedelta(seconds=1),
        created_at=timezone.now(),
    )
    produce = Counter()
    result = idempotency_run(scope="s", key="k", fingerprint="f", produce=produce)
    assert produce.calls == 1 and result.status == 201


def test_failed_request_releases_its_key():
    """If the work raises, nothing is stored and the key can be used again."""

    def boom() -> StoredResponse:
        raise ValueError("bad input")

    with pytest.raises(ValueError):
        idempotency_run(scope="s", key="k", fingerprint="f", produce=boom)
    assert not IdempotencyRecord.objects.exists()
    assert idempotency_run(scope="s", key="k", fingerprint="f", produce=Counter()).status == 201


def test_key_is_reusable_after_ttl():
    """After 24 h the key is forgotten: the same key runs again."""
    produce = Counter()
    idempotency_run(scope="s", key="k", fingerprint="f1", produce=produce)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        result = idempotency_run(scope="s", key="k", fingerprint="f2", produce=produce)
    assert produce.calls == 2 and not result.replayed


@pytest.mark.parametrize("raw", ['"unterminated', "has space", "a" * 256, '"é"', '""'])
def test_malformed_keys_are_400(raw):
    """A malformed Idempotency-Key header is a 400."""
    with pytest.raises(IdempotencyKeyInvalid) as error:
        idempotency_key_parse(raw)
    assert error.value.status_code == 400


def test_structured_field_string_and_bare_token_are_the_same_key():
    """'"abc"' (an sf-string, as the draft writes it) and 'abc' name the same key."""
    assert idempotency_key_parse('"abc-123"') == idempotency_key_parse("abc-123") == "abc-123"
    assert idempotency_key_parse(None) is None and idempotency_key_parse("") is None


@given(st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=6), st.randoms())
def test_fingerprint_ignores_field_order(fields, rnd):
    """The payload fingerprint does not depend on the order of the fields."""
    items = list(fields.items())
    shuffled = items[:]
    rnd.shuffle(shuffled)
    assert fingerprint(items) == fingerprint(shuffled)
