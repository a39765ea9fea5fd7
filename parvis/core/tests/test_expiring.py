"""Per-process values kept for a while: loaded once, reloaded when stale or invalidated."""

from __future__ import annotations

import itertools

from parvis.core.expiring import Expiring


def test_value_is_loaded_once_until_invalidated():
    counter = itertools.count(1)
    value = Expiring(lambda: next(counter), ttl=60)
    assert (value.get(), value.get()) == (1, 1)
    value.invalidate()
    assert value.get() == 2


def test_value_older_than_its_ttl_is_loaded_again():
    counter = itertools.count(1)
    value = Expiring(lambda: next(counter), ttl=0)
    assert value.get() == 1 and value.get() == 2
