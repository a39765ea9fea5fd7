"""Fetch and parse feeds, many at once, without touching the database.

``feeds_fetch`` runs each feed's fetch in a bounded pool of threads; each fetch has its own
timeouts and total deadline (``core.safehttp``), so a slow, huge or looping feed costs one
thread for at most its deadline and never blocks the others. The caller stores each outcome in
its own thread (the database is touched only there).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.conf import settings
from django.utils.translation import gettext as _

from parvis.core.safehttp import FetchError, Resolver, safe_fetch
from parvis.networks.parsing import (
    FeedInvalid,
    ParsedEvent,
    activitypub_items,
    activitypub_page,
    parse_activitypub,
    parse_ical,
    parse_syndication,
)

ACTIVITYPUB_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
ACCEPT = {
    "ical": "text/calendar, */*;q=0.5",
    "rss": "application/rss+xml, application/xml;q=0.9, */*;q=0.5",
    "atom": "application/atom+xml, application/xml;q=0.9, */*;q=0.5",
    "activitypub": ACTIVITYPUB_ACCEPT,
}
MAX_ACTIVITYPUB_PAGES = 3


@dataclass(frozen=True)
class FeedRequest:
    """What the reader needs to know of a feed (no model instance crosses threads)."""

    feed_id: int
    url: str
    kind: str
    etag: str = ""
    last_modified: str = ""


@dataclass
class FeedOutcome:
    request: FeedRequest
    events: list[ParsedEvent] = field(default_factory=list)
    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""
    error: str = ""
    error_code: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class ReadOptions:
    window_days_past: int = 1
    window_days_ahead: int = 90
    max_bytes: int = 0  # 0: the setting
    timeout: float = 0
    deadline: float = 0
    resolver: Resolver | None = None
    allow_loopback: bool | Collection[int] | None = None

    def fetch_kwargs(self) -> dict[str, object]:
        return {
            "max_bytes": self.max_bytes or settings.PARVIS_NETWORKS_FEED_MAX_BYTES,
            "timeout": self.timeout or settings.PARVIS_NETWORKS_FEED_TIMEOUT,
            "deadline": self.deadline or settings.PARVIS_NETWORKS_FEED_DEADLINE,
            "resolver": self.resolver,
            "allow_loopback": self.allow_loopback,
        }


def feed_fetch(
    request: FeedRequest, *, options: ReadOptions | None = None, now: dt.datetime | None = None
) -> FeedOutcome:
    """Fetch and parse one feed; never raises for a feed's fault (the outcome says what failed)."""
    options = options or ReadOptions()
    now = now or dt.datetime.now(dt.UTC)
    kwargs = options.fetch_kwargs()
    started = time.monotonic()
    try:
        result = safe_fetch(
            request.url,
            etag=request.etag,
            last_modified=request.last_modified,
            accept=ACCEPT.get(request.kind, "*/*"),
            **kwargs,
        )
        outcome = FeedOutcome(request, etag=result.etag, last_modified=result.last_modified)
        if result.not_modified:
            outcome.not_modified = True
            return outcome
        if request.kind == "ical":
            outcome.events = parse_ical(
                result.content,
                window_start=now - dt.timedelta(days=options.window_days_past),
                window_end=now + dt.timedelta(days=options.window_days_ahead),
            )
        elif request.kind in ("rss", "atom"):
            outcome.events = parse_syndication(result.content)
        elif request.kind == "activitypub":
            outcome.events = _activitypub_read(result.url, result.content, kwargs, started)
        else:
            raise FeedInvalid(_("Type de flux inconnu."), code="kind")
        return outcome
    except (FetchError, FeedInvalid) as error:
        return FeedOutcome(request, error=error.message[:500], error_code=error.code)
    except (ValueError, TypeError, KeyError, RecursionError, MemoryError) as error:
        # A parser library tripping on odd input is the feed's fault, not the reader's.
        return FeedOutcome(
            request,
            error=(_("Flux illisible (%(error)s).") % {"error": type(error).__name__})[:500],
            error_code="parse",
        )


def _activitypub_read(
    url: str, content: bytes, kwargs: dict[str, object], started: float
) -> list[ParsedEvent]:
    """An actor, an outbox, or a page of it: follow to the items, at most a few pages, all
    within the feed's one deadline."""
    total = float(kwargs["deadline"])  # type: ignore[arg-type]

    def fetch_json(target: str) -> dict:
        remaining = total - (time.monotonic() - started)
        if remaining <= 0:
            raise FetchError(_("Le serveur a mis trop de temps à répondre."), code="timeout")
        options = {**kwargs, "deadline": remaining}
        return activitypub_page(safe_fetch(target, accept=ACTIVITYPUB_ACCEPT, **options).content)

    document = activitypub_page(content)
    if isinstance(document.get("outbox"), str):  # an actor: go to its outbox
        url = urljoin(url, document["outbox"])
        document = fetch_json(url)
    items: list[object] = []
    page: dict | None = document
    first = document.get("first")
    if isinstance(first, dict):
        page = first
    elif isinstance(first, str):
        url = urljoin(url, first)
        page = fetch_json(url)
    pages = 0
    while page is not None and pages < MAX_ACTIVITYPUB_PAGES:
        pages += 1
        items.extend(activitypub_items(page))
        following = page.get("next")
        if not isinstance(following, str) or pages >= MAX_ACTIVITYPUB_PAGES:
            break
        url = urljoin(url, following)
        page = fetch_json(url)
    return parse_activitypub(items)


def feeds_fetch(
    requests: Iterable[FeedRequest],
    *,
    options: ReadOptions | None = None,
    workers: int = 0,
    fetch: Callable[..., FeedOutcome] = feed_fetch,
) -> Iterator[FeedOutcome]:
    """Fetch many feeds at once (bounded pool); yields each outcome as soon as it is ready."""
    workers = workers or settings.PARVIS_NETWORKS_FEED_WORKERS
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="feed") as pool:
        futures = [pool.submit(fetch, request, options=options) for request in requests]
        for future in as_completed(futures):
            yield future.result()
