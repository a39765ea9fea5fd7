"""safe_fetch refuses every way of reaching inside, over real HTTP on loopback.

Server ``outside`` plays a public feed host (its port is the only loopback port allowed);
server ``inside`` plays an internal service that must never be reached.
"""

from __future__ import annotations

import gzip
import ipaddress
from collections.abc import Iterator

import pytest

from parvis.core.safehttp import (
    FetchError,
    address_is_public,
    safe_fetch,
    url_check,
)
from parvis.core.tests.loopback_http import LoopbackServer, Reply


@pytest.fixture(scope="module")
def outside() -> Iterator[LoopbackServer]:
    server = LoopbackServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def inside() -> Iterator[LoopbackServer]:
    server = LoopbackServer().start()
    server.route("/secret", Reply(body=b"SECRET"))
    yield server
    server.stop()


def _fetch(outside: LoopbackServer, url: str, **kwargs: object):
    kwargs.setdefault("allow_loopback", {outside.port})
    return safe_fetch(url, **kwargs)


def test_a_public_feed_is_fetched(outside: LoopbackServer) -> None:
    url = outside.route("/ok", Reply(body=b"hello", headers={"Content-Type": "text/plain"}))
    result = _fetch(outside, url)
    assert result.status == 200 and result.content == b"hello"
    assert result.content_type == "text/plain"


TRICKS = [
    "http://127.0.0.1:{port}/secret",
    "http://[::1]:{port}/secret",
    "http://[::ffff:127.0.0.1]:{port}/secret",
    "http://[::ffff:7f00:1]:{port}/secret",
    "http://[2002:7f00:1::]:{port}/secret",  # 6to4 around 127.0.0.1
    "http://[64:ff9b::7f00:1]:{port}/secret",  # NAT64 around 127.0.0.1
    "http://[64:ff9b::a9fe:a9fe]:{port}/secret",  # NAT64 around 169.254.169.254
    "http://2130706433:{port}/secret",  # decimal
    "http://0x7f000001:{port}/secret",  # hex
    "http://0x7f.0.0.1:{port}/secret",
    "http://0177.0.0.1:{port}/secret",  # octal
    "http://017700000001:{port}/secret",
    "http://127.1:{port}/secret",
    "http://0.0.0.0:{port}/secret",
    "http://0:{port}/secret",
    "http://169.254.169.254:{port}/latest/meta-data/",
    "http://10.0.0.1:{port}/secret",
    "http://192.168.1.1:{port}/secret",
    "http://100.64.0.1:{port}/secret",  # shared address space
    "http://224.0.0.1:{port}/secret",  # multicast
    "http://[fe80::1]:{port}/secret",
    "http://[fc00::1]:{port}/secret",
    "http://localhost:{port}/secret",
    "http://LOCALHOST.:{port}/secret",
]


@pytest.mark.parametrize("trick", TRICKS)
def test_every_trick_is_refused_directly(inside: LoopbackServer, trick: str) -> None:
    with pytest.raises(FetchError) as refused:
        safe_fetch(trick.format(port=inside.port), allow_loopback=False)
    assert refused.value.code in ("blocked_address", "bad_url", "dns")


@pytest.mark.parametrize("trick", TRICKS)
def test_every_trick_is_refused_behind_a_redirect(
    outside: LoopbackServer, inside: LoopbackServer, trick: str
) -> None:
    target = trick.format(port=inside.port)
    path = f"/to/{TRICKS.index(trick)}"
    url = outside.route(path, Reply(status=302, headers={"Location": target}))
    before = len(inside.requests)
    with pytest.raises(FetchError) as refused:
        _fetch(outside, url)
    assert refused.value.code in ("blocked_address", "bad_url", "dns")
    assert len(inside.requests) == before  # the internal service was never reached


def test_a_name_resolving_to_loopback_is_refused(inside: LoopbackServer) -> None:
    def resolver(host: str, port: int) -> list[str]:
        return {
            "feeds.example.org": ["127.0.0.1"],
            "mixed.example.org": ["93.184.216.34", "10.1.2.3"],
        }[host]

    for host in ("feeds.example.org", "mixed.example.org"):
        with pytest.raises(FetchError) as refused:
            safe_fetch(
                f"http://{host}:{inside.port}/secret", resolver=resolver, allow_loopback=False
            )
        assert refused.value.code == "blocked_address"


def test_the_connection_goes_to_the_checked_address_not_a_second_answer(
    outside: LoopbackServer,
) -> None:
    """DNS rebinding: the resolver is asked once per hop; the request uses its answer."""
    outside.route("/rebind", Reply(body=b"checked"))
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    result = safe_fetch(
        f"http://feeds.example.org:{outside.port}/rebind",
        resolver=resolver,
        allow_loopback={outside.port},
    )
    assert result.content == b"checked" and calls == ["feeds.example.org"]
    host_header = outside.requests[-1][1]["Host"]
    assert host_header == f"feeds.example.org:{outside.port}"


def test_only_http_and_https(outside: LoopbackServer) -> None:
    for url in ("file:///etc/passwd", "ftp://example.org/", "gopher://x/", "javascript:alert(1)"):
        with pytest.raises(FetchError) as refused:
            _fetch(outside, url)
        assert refused.value.code in ("bad_scheme", "bad_url")
    url = outside.route("/to-file", Reply(status=301, headers={"Location": "file:///etc/passwd"}))
    with pytest.raises(FetchError) as refused:
        _fetch(outside, url)
    assert refused.value.code == "bad_scheme"


def test_credentials_in_the_url_are_refused(outside: LoopbackServer) -> None:
    with pytest.raises(FetchError):
        _fetch(outside, f"http://user:pw@127.0.0.1:{outside.port}/ok")


def test_redirects_are_followed_up_to_the_limit(outside: LoopbackServer) -> None:
    outside.route("/hop/3", Reply(body=b"arrived"))
    for n in range(3):
        outside.route(f"/hop/{n}", Reply(status=301, headers={"Location": f"/hop/{n + 1}"}))
    result = _fetch(outside, outside.url("/hop/0"))
    assert result.content == b"arrived" and len(result.redirects) == 3
    assert result.url.endswith("/hop/3")
    with pytest.raises(FetchError) as refused:
        _fetch(outside, outside.url("/hop/0"), max_redirects=2)
    assert refused.value.code == "too_many_redirects"


def test_a_redirect_loop_ends(outside: LoopbackServer) -> None:
    url = outside.route("/loop", Reply(status=302, headers={"Location": "/loop"}))
    with pytest.raises(FetchError) as refused:
        _fetch(outside, url)
    assert refused.value.code == "too_many_redirects"


def test_a_body_over_the_cap_is_refused_declared_or_not(outside: LoopbackServer) -> None:
    url = outside.route("/big", Reply(body=b"x" * 20_000))
    with pytest.raises(FetchError) as refused:
        _fetch(outside, url, max_bytes=10_000)
    assert refused.value.code == "too_large"

    # No Content-Length: read by stream until the cap.
    url = outside.route("/unsized", Reply(body=b"y" * 20_000, length=False))
    with pytest.raises(FetchError) as refused:
        _fetch(outside, url, max_bytes=10_000)
    assert refused.value.code == "too_large"
    assert _fetch(outside, url, max_bytes=30_000).content == b"y" * 20_000


def test_a_gzip_bomb_is_stopped_at_the_cap(outside: LoopbackServer) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)
    url = outside.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError) as refused:
        _fetch(outside, url, max_bytes=1_000_000)
    assert refused.value.code == "too_large"
    small = outside.route(
        "/gz", Reply(body=gzip.compress(b"compressed"), headers={"Content-Encoding": "gzip"})
    )
    assert _fetch(outside, small).content == b"compressed"


def test_a_slow_server_times_out(outside: LoopbackServer) -> None:
    url = outside.route("/slow", Reply(body=b"late", delay=2.0))
    with pytest.raises(FetchError) as refused:
        _fetch(outside, url, timeout=0.3)
    assert refused.value.code == "timeout"


def test_a_dripping_server_hits_the_deadline(outside: LoopbackServer) -> None:
    url = outside.route("/drip", Reply(body=b"z" * 8192, drip=0.3))
    with pytest.raises(FetchError) as refused:
        _fetch(outside, url, timeout=5, deadline=0.5)
    assert refused.value.code == "timeout"


def test_an_error_status_is_an_error(outside: LoopbackServer) -> None:
    url = outside.route("/gone", Reply(status=500, body=b"boom"))
    with pytest.raises(FetchError) as refused:
        _fetch(outside, url)
    assert refused.value.code == "http_status"


def test_conditional_get_sends_and_returns_validators(outside: LoopbackServer) -> None:
    def conditional(handler) -> Reply:
        if handler.headers.get("If-None-Match") == '"v1"':
            return Reply(status=304, headers={"ETag": '"v1"'})
        return Reply(
            body=b"feed",
            headers={"ETag": '"v1"', "Last-Modified": "Tue, 01 Dec 2026 00:00:00 GMT"},
        )

    url = outside.route("/cond", conditional)
    first = _fetch(outside, url)
    assert first.etag == '"v1"' and first.last_modified.startswith("Tue, 01 Dec 2026")
    second = _fetch(outside, url, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.status == 304 and second.content == b""
    assert outside.requests[-1][1]["If-Modified-Since"] == first.last_modified


def test_loopback_is_refused_unless_the_setting_allows_it(
    outside: LoopbackServer, settings: object
) -> None:
    url = outside.route("/setting", Reply(body=b"ok"))
    settings.PARVIS_FETCH_ALLOW_LOOPBACK = False
    with pytest.raises(FetchError):
        safe_fetch(url)
    settings.PARVIS_FETCH_ALLOW_LOOPBACK = True
    assert safe_fetch(url).content == b"ok"


def test_public_addresses_pass_the_guard() -> None:
    assert address_is_public(ipaddress.ip_address("93.184.216.34"))
    assert address_is_public(ipaddress.ip_address("2a01:e0a::1"))
    assert not address_is_public(ipaddress.ip_address("::ffff:10.0.0.1"))
    assert not address_is_public(ipaddress.ip_address("::"))
    assert not address_is_public(ipaddress.ip_address("255.255.255.255"))
    target = url_check("https://agenda.example.org/x.ics", resolver=lambda h, p: ["93.184.216.34"])
    assert str(target.url) == "https://93.184.216.34/x.ics" and target.host == "agenda.example.org"


def test_a_delivery_posts_its_body_and_never_follows_a_redirect(outside: LoopbackServer) -> None:
    url = outside.route("/inbox", Reply(status=202))
    result = _fetch(
        outside,
        url,
        method="POST",
        body=b'{"type": "Note"}',
        headers={"Content-Type": "application/activity+json", "Signature": "x"},
    )
    assert result.status == 202 and outside.bodies[-1] == b'{"type": "Note"}'
    assert outside.requests[-1][1]["Signature"] == "x"
    moved = outside.route("/moved", Reply(status=307, headers={"Location": "/inbox"}))
    with pytest.raises(FetchError) as refused:
        _fetch(outside, moved, method="POST", body=b"{}")
    assert refused.value.code == "bad_redirect"
