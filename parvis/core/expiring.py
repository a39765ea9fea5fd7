"""A value computed on demand and kept for a while, per process (lexicon, vocabulary, vectors).

Several processes serve the site; each keeps its own copy and sees other processes' writes within
``ttl`` seconds, its own writes at once (``invalidate``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Expiring(Generic[T]):
    """``get()`` returns the value, loading it when absent, invalidated or older than ``ttl``."""

    def __init__(self, load: Callable[[], T], *, ttl: float) -> None:
        self._load = load
        self._ttl = ttl
        self._lock = threading.Lock()
        self._entry: tuple[float, T] | None = None

    def get(self) -> T:
        entry = self._entry
        if entry is not None and time.monotonic() - entry[0] < self._ttl:
            return entry[1]
        with self._lock:
            entry = self._entry
            if entry is not None and time.monotonic() - entry[0] < self._ttl:
                return entry[1]
            value = self._load()
            self._entry = (time.monotonic(), value)
            return value

    def invalidate(self) -> None:
        self._entry = None
