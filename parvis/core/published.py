"""What pages derive from published content, computed once per publication rather than per view.

Navigation, the legal links, the quartiers, the discovery catalogue and the lists of the home
page are the same for every visitor until an editor publishes something: recomputing them on
each request was most of an uncached page's queries. :func:`published_memo` keeps such a value
in the process's memory under the *publication generation*, the token that
:mod:`parvis.core.pagecache` draws again whenever anything pages show changes (publish,
unpublish, move, delete, snippets, images, documents, sites, locales, view restrictions, the
answer index and the transparency log, each connected to ``page_cache_invalidate``).

This is not a cache of responses: each request still renders its page, with its own CSRF token,
opening status and person's choices; only values computed from published rows alone are kept.

Across processes: the generation lives in the ``pages`` cache alias (Redis, or files shared by
the workers of a machine), which every process reads once per request (and again after it
publishes), so a publication in one process makes every other process recompute at its next
request. A value is computed from the rows committed when it is built; a value built while a
publication commits is built under the generation drawn before the commit, which the commit
replaces (``page_cache_invalidate`` draws again on commit). Inside an open transaction of its
own (an editor's publication in progress, which could roll back) nothing is kept or read.
Entries are bounded (least recently used first out) and die with the generation.

:func:`published_fragment` keeps rendered template fragments the same way, in a store of their
own (so that a crawl of every page cannot push the menu's values out), each also bounded in
time: no longer than ``PARVIS_PAGE_CACHE_TTL`` (what the page cache allows a whole page) nor
past the earliest moment its clock-dependent parts change (the ``page_cache_limit`` calls made
while it rendered: an opening status, the day's list…). The ``{% published_fragment %}`` tag
(``core/templatetags/parvis_published.py``) decides which requests may reuse one.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.signals import request_started
from django.db import connection

T = TypeVar("T")

MAX_ENTRIES = 2048
FRAGMENT_MAX_ENTRIES = 1024

_entries: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
_kept_generation: list[str] = [""]  # the generation the entries were computed under
# key → (html, expires at, clock expiry or None: when a clock-dependent part changes)
_fragments: OrderedDict[tuple[Hashable, ...], tuple[str, float, float | None]] = OrderedDict()
_lock = threading.Lock()
_local = threading.local()  # this request's generation, read once per request


def generation_forget(**_signal_kwargs: Any) -> None:
    """Read the generation again at next use (a new request, or this process published)."""
    _local.generation = None


def _generation() -> str:
    from parvis.core.pagecache import page_cache_generation

    current = getattr(_local, "generation", None)
    if current is None:
        current = _local.generation = page_cache_generation()
    return current


def _in_own_transaction() -> bool:
    """True inside an atomic block that is not a test case's wrapping one."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _generation_check(generation: str) -> None:
    """Forget everything kept under another generation (a publication). Under ``_lock``."""
    if _kept_generation[0] != generation:
        _entries.clear()
        _fragments.clear()
        _kept_generation[0] = generation


def published_memo(key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """``build()``, computed once per publication generation and ``key`` in this process.

    ``key`` names the value and everything it depends on besides published rows (the language,
    the host, the day…). ``build`` must read only published content and return a value that no
    caller mutates.
    """
    if _in_own_transaction():
        return build()
    try:
        generation = _generation()
    except Exception:  # noqa: BLE001 — an unreachable generation store: compute, never fail
        return build()
    with _lock:
        _generation_check(generation)
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]
    value = build()
    with _lock:
        if _kept_generation[0] == generation:
            _entries[key] = value
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return value


def published_fragment(key: tuple[Hashable, ...], render: Callable[[], tuple[str, bool]]) -> str:
    """The HTML fragment ``render()`` returns, kept once per publication generation and ``key``
    in this process when ``render()`` says it may be (its second value), and no longer than its
    clock allows (see the module).

    ``key`` names the fragment and everything it depends on besides published rows and the
    clock. Its clock limits reach the enclosing page whether it is rendered or reused, so the
    page cache keeps the page no longer than before.
    """
    from django.conf import settings

    from parvis.core.pagecache import page_cache_limit, page_cache_limits_collect

    if _in_own_transaction():
        return render()[0]
    try:
        generation = _generation()
    except Exception:  # noqa: BLE001 — an unreachable generation store: render, never fail
        return render()[0]
    now = time.time()
    with _lock:
        _generation_check(generation)
        kept = _fragments.get(key)
        if kept is not None and kept[1] > now:
            _fragments.move_to_end(key)
    if kept is not None and kept[1] > now:
        html, _expires, clock = kept
        if clock is not None:
            page_cache_limit(clock - now)
        return html
    with page_cache_limits_collect() as limits:
        html, keepable = render()
    clock = now + min(limits) if limits else None
    if limits:
        page_cache_limit(min(limits))
    lifetime = min([float(settings.PARVIS_PAGE_CACHE_TTL), *limits])
    if keepable and lifetime > 0:
        with _lock:
            if _kept_generation[0] == generation:
                _fragments[key] = (html, now + lifetime, clock)
                while len(_fragments) > FRAGMENT_MAX_ENTRIES:
                    _fragments.popitem(last=False)
    return html


def published_memo_clear() -> None:
    """Forget every kept value and fragment of this process (tests, a restored database)."""
    with _lock:
        _entries.clear()
        _fragments.clear()
        _kept_generation[0] = ""
    generation_forget()


def published_connect() -> None:
    request_started.connect(generation_forget, dispatch_uid="published-generation")
