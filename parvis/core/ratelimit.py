"""Rate limits on write paths: fixed windows counted in a shared store.

    retry_after = ratelimit_hit(bucket=f"report:ip:{ip}", limit=10, window=600)
    if retry_after: return 429 with Retry-After: retry_after

The store is Django's cache when it is shared (Redis, with ``REDIS_URL``), otherwise a database
table: a per-process memory cache would let N workers accept N times the limit.
``client_ip`` trusts ``X-Forwarded-For`` only from the proxies in ``PARVIS_TRUSTED_PROXIES``.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import time
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from parvis.core.models import RateLimitCounter


def _shared_cache() -> bool:
    backend = settings.CACHES["default"]["BACKEND"]
    return backend.startswith(("django.core.cache.backends.redis", "django_redis"))


def _trusted(ip: str) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    for network in getattr(settings, "PARVIS_TRUSTED_PROXIES", []):
        if address in ipaddress.ip_network(network, strict=False):
            return True
    return False


def client_ip(request: HttpRequest) -> str:
    """The client's address: the socket peer, or the first untrusted hop a trusted proxy saw."""
    peer = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not _trusted(peer):
        return peer
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _trusted(hop):
            return hop
    return peer


def client_hash(request: HttpRequest) -> str:
    """A pseudonymous id of the client (for counting distinct supporters, never shown)."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()


def _db_hit(bucket: str, window_start: int) -> int:
    """Count one hit in the database; the window's count after it.

    One statement (an upsert returning the new count: SQLite 3.35+, PostgreSQL), so two
    workers counting the same window at once both count, and neither needs a retry.
    """
    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (bucket, window_start) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING count",
            [bucket, window_start],
        )
        return int(cursor.fetchone()[0])


def ratelimit_purge(*, before: int) -> int:
    """Delete database counters of windows that started before ``before`` (a Unix time)."""
    with transaction.atomic():
        return RateLimitCounter.objects.filter(window_start__lt=before).delete()[0]


@contextlib.contextmanager
def counters_transaction() -> Iterator[None]:
    """One transaction for a request's counters, committed without waiting for the disk.

    Counters are not something the portal acknowledges to anyone: after a power cut the last
    few increments may be forgotten (never a report, a vote or any stored answer, whose own
    commits wait for the disk and, on SQLite's WAL, flush these frames with them). SQLite:
    ``synchronous=NORMAL`` for this commit only; PostgreSQL: ``synchronous_commit = off`` for
    this transaction only. Inside an open transaction it is a savepoint of that one.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            level = cursor.execute("PRAGMA synchronous").fetchone()[0]
            cursor.execute("PRAGMA synchronous=NORMAL")
        try:
            with transaction.atomic():
                yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA synchronous={int(level)}")
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def ratelimit_transaction() -> contextlib.AbstractContextManager[None]:
    """Where a request's counters are written: nothing to open with Redis (on SQLite even an
    empty write transaction takes the write lock), else ``counters_transaction``."""
    return contextlib.nullcontext() if _shared_cache() else counters_transaction()


def ratelimit_hit(*, bucket: str, limit: int, window: int) -> int | None:
    """Count one hit; None if within ``limit`` per ``window`` seconds, else seconds to wait."""
    now = int(time.time())
    window_start = now - now % window
    if _shared_cache():
        key = f"rl:{bucket}:{window_start}"
        cache.add(key, 0, timeout=window + 5)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window + 5)
            count = 1
    else:
        count = _db_hit(bucket, window_start)
    if count > limit:
        return max(1, window_start + window - now)
    return None


def ratelimit_request(
    request: HttpRequest, *, scope: str, extra: str = "", per_ip: bool = True
) -> int | None:
    """Apply the configured limits of ``scope`` (``PARVIS_RATELIMITS``) to this client.

    Counts per client address (unless ``per_ip`` is False) and per ``extra`` (an API key id);
    every counter of the call is written in one transaction (``counters_transaction``).
    """
    rules = getattr(settings, "PARVIS_RATELIMITS", {}).get(scope, [])
    who = ([f"ip:{client_ip(request)}"] if per_ip else []) + ([f"key:{extra}"] if extra else [])
    worst: int | None = None
    with ratelimit_transaction():
        for limit, window in rules:
            for name in who:
                wait = ratelimit_hit(bucket=f"{scope}:{name}:{window}", limit=limit, window=window)
                if wait:
                    worst = max(worst or 0, wait)
    return worst


def too_many_requests(retry_after: int, *, content_type: str = "text/plain") -> HttpResponse:
    """A plain 429 answer with ``Retry-After``."""
    response = HttpResponse(
        _("Trop de requêtes : réessayez dans quelques minutes."),
        status=429,
        content_type=f"{content_type}; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after)
    return response
