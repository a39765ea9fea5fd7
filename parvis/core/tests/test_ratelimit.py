"""Rate limits: counted per window in the database without Redis; proxies trusted explicitly."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from parvis.core.models import RateLimitCounter
from parvis.core.ratelimit import client_ip, ratelimit_hit

pytestmark = pytest.mark.django_db


def test_hits_beyond_limit_get_a_retry_delay():
    """Within the limit: None; beyond it: the seconds until the window ends."""
    results = [ratelimit_hit(bucket="b", limit=3, window=60) for _ in range(5)]
    assert results[:3] == [None, None, None]
    assert all(isinstance(r, int) and 1 <= r <= 60 for r in results[3:])


def test_without_redis_counters_live_in_the_database():
    """With the per-process memory cache, counts go to the shared database table."""
    ratelimit_hit(bucket="db", limit=3, window=60)
    assert RateLimitCounter.objects.get(bucket="db").count == 1


def test_forwarded_for_is_ignored_from_untrusted_peers():
    """X-Forwarded-For from a peer that is not a configured proxy changes nothing."""
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "198.51.100.7"


@override_settings(PARVIS_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_forwarded_for_from_trusted_proxy_gives_first_untrusted_hop():
    """Behind a trusted proxy, the client is the rightmost address that is not a proxy."""
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5, 10.0.0.9"
    )
    assert client_ip(request) == "203.0.113.5"
