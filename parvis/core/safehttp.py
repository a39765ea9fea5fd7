"""Fetch a URL someone else chose (a group's feed, a remote actor) without reaching inside.

    result = safe_fetch(url, etag=feed.etag, last_modified=feed.last_modified)
    if result.not_modified: ...
    parse(result.content)

The guard, in order, for the first URL and again for every redirect:

1. only ``http`` and ``https``, no user name or password in the URL, a port in 1–65535;
2. a host written as a number in any form other than the canonical one (``2130706433``,
   ``0x7f.1``, ``0177.0.0.1``, ``127.1``) is refused outright: no resolver is asked to guess;
3. the host name is resolved once; if *any* of its addresses is private, loopback, link-local,
   multicast, reserved, unspecified, shared (CGNAT), documentation, or an IPv6 form carrying
   such an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, 6to4 ``2002::/16``, NAT64
   ``64:ff9b::/96`` and ``64:ff9b:1::/48``, Teredo), the URL is refused;
4. the connection goes to the address that was checked (the URL's host is replaced by the
   address; ``Host`` and, for HTTPS, the TLS server name and certificate check keep the name),
   so a second DNS answer cannot point elsewhere (DNS rebinding);
5. redirects are followed by hand, at most ``max_redirects``, each hop checked from step 1;
6. connect/read timeouts and a total deadline; the body is read by stream and refused past
   ``max_bytes`` (a ``Content-Length`` over the cap is refused before reading);
7. ``If-None-Match`` / ``If-Modified-Since`` are sent when given; a 304 comes back as
   ``not_modified`` and the response's ``ETag`` / ``Last-Modified`` are returned.

Loopback is refused too, except where ``PARVIS_FETCH_ALLOW_LOOPBACK`` is set (tests and
benchmarks serve feeds on 127.0.0.1); a caller may also allow only some loopback ports. Proxies
from the environment are ignored (a proxy would resolve the name itself).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from parvis.core.errors import ParvisError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 10.0
DEFAULT_DEADLINE = 30.0
USER_AGENT = "Parvis (+https://parvis.fr; lecteur de flux publics)"
_REDIRECTS = {301, 302, 303, 307, 308}
_CANONICAL_V4 = re.compile(
    r"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$"
)
# Hosts made only of digits, dots and hex markers are numbers to a resolver (inet_aton).
_NUMERIC_LOOKING = re.compile(r"^(0x[0-9a-f]*|\d+)(\.(0x[0-9a-f]*|\d*))*$", re.IGNORECASE)

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


class FetchError(ParvisError):
    """The URL was refused or the fetch failed; ``code`` says which (safe to show), and
    ``status`` the HTTP status when the server answered with an error (code ``http_status``)."""

    status: int | None = None


@dataclass(frozen=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False
    redirects: list[str] = field(default_factory=list)


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    for net in _NAT64:
        if ip in net:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    # IPv4-compatible (deprecated) ::a.b.c.d
    if int(ip) >> 32 == 0 and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_is_loopback(ip: Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None:
            return inner.is_loopback
    return ip.is_loopback


def address_is_public(ip: Address) -> bool:
    """True for an address on the public internet (and nothing that hides a private one)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        inner = _embedded_v4(ip)
        if inner is not None:
            return address_is_public(inner)
    if (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        return False
    return not (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system's resolver gives for ``host``."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _refused(message: str, code: str) -> FetchError:
    return FetchError(message, code=code)


def _loopback_allowed(allow_loopback: bool | Collection[int] | None, port: int) -> bool:
    if allow_loopback is None:
        allow_loopback = bool(getattr(settings, "PARVIS_FETCH_ALLOW_LOOPBACK", False))
    if isinstance(allow_loopback, bool):
        return allow_loopback
    return port in allow_loopback


@dataclass(frozen=True)
class _Target:
    url: httpx.URL  # what is requested (host replaced by the checked address)
    host: str  # the name, for Host and TLS
    port: int


def url_check(
    url: str,
    *,
    resolver: Resolver | None = None,
    allow_loopback: bool | Collection[int] | None = None,
) -> _Target:
    """Check ``url`` against the guard and resolve it once; raise FetchError if refused."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise _refused(_("Cette adresse n'est pas une URL valable."), "bad_url") from None
    if parsed.scheme not in ("http", "https"):
        raise _refused(_("Seules les adresses http et https sont acceptées."), "bad_scheme")
    if parsed.userinfo:
        raise _refused(_("Une adresse ne peut pas contenir d'identifiants."), "bad_url")
    host = parsed.host.lower().rstrip(".")
    if not host:
        raise _refused(_("Cette adresse n'a pas de nom de serveur."), "bad_url")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    if not 0 < port < 65536:
        raise _refused(_("Cette adresse n'est pas une URL valable."), "bad_url")
    literal: Address | None
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is None and _NUMERIC_LOOKING.match(host):
        raise _refused(_("Cette adresse désigne un serveur interdit."), "blocked_address")
    if isinstance(literal, ipaddress.IPv4Address) and not _CANONICAL_V4.match(host):
        raise _refused(_("Cette adresse désigne un serveur interdit."), "blocked_address")
    if literal is not None:
        addresses = [literal]
    else:
        try:
            raw = (resolver or system_resolver)(host, port)
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in raw]
        except (OSError, UnicodeError, ValueError):
            raise _refused(_("Ce nom de serveur est introuvable."), "dns") from None
        if not addresses:
            raise _refused(_("Ce nom de serveur est introuvable."), "dns")
    loopback_ok = _loopback_allowed(allow_loopback, port)
    for ip in addresses:
        if address_is_public(ip):
            continue
        if loopback_ok and address_is_loopback(ip):
            continue
        raise _refused(_("Cette adresse désigne un serveur interdit."), "blocked_address")
    chosen = addresses[0]
    if isinstance(chosen, ipaddress.IPv6Address) and chosen.ipv4_mapped is not None:
        chosen = chosen.ipv4_mapped
    return _Target(url=parsed.copy_with(host=str(chosen)), host=host, port=port)


def safe_fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    accept: str = "*/*",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
    resolver: Resolver | None = None,
    allow_loopback: bool | Collection[int] | None = None,
    transport: httpx.BaseTransport | None = None,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """GET ``url`` through the guard (see the module); raise FetchError when refused or failed.

    A 2xx gives its body; a 304 (to a conditional request) gives ``not_modified``; any other
    status is a FetchError with code ``http_status``. ``method``, ``body`` and ``headers`` serve
    deliveries (a signed ActivityPub POST): a request with a body never follows a redirect
    (``bad_redirect``), so a body signed for one host is never sent to another.
    """
    # The transport itself, not a Client: no proxy from the environment, no cookie jar, no
    # redirect logic of its own (a Client parses a hostile Location before we can refuse it).
    own_transport = transport is None
    if transport is None:
        transport = httpx.HTTPTransport(retries=0)
    started = time.monotonic()
    redirects: list[str] = []
    current = url
    try:
        while True:
            target = url_check(current, resolver=resolver, allow_loopback=allow_loopback)
            default_port = 443 if target.url.scheme == "https" else 80
            sent = {
                **(headers or {}),
                "Host": target.host
                if target.port == default_port
                else f"{target.host}:{target.port}",
                "User-Agent": USER_AGENT,
                "Accept": accept,
                "Accept-Encoding": "gzip, deflate",  # decoded here, under the cap
            }
            if etag:
                sent["If-None-Match"] = etag
            if last_modified:
                sent["If-Modified-Since"] = last_modified
            remaining = deadline - (time.monotonic() - started)
            if remaining <= 0:
                raise _refused(_("Le serveur a mis trop de temps à répondre."), "timeout")
            extensions: dict[str, object] = {
                "timeout": httpx.Timeout(min(timeout, remaining)).as_dict()
            }
            if target.url.scheme == "https":
                extensions["sni_hostname"] = target.host  # TLS name and certificate check
            request = httpx.Request(
                method, target.url, headers=sent, content=body, extensions=extensions
            )
            response = transport.handle_request(request)
            try:
                if response.status_code in _REDIRECTS:
                    location = response.headers.get("Location", "")
                    if not location or body is not None:
                        raise _refused(_("Une redirection sans destination."), "bad_redirect")
                    if len(redirects) >= max_redirects:
                        raise _refused(_("Trop de redirections."), "too_many_redirects")
                    current = urljoin(current, location)
                    redirects.append(current)
                    continue
                if response.status_code == 304 and (etag or last_modified):
                    return FetchResult(
                        url=current,
                        status=304,
                        etag=response.headers.get("ETag", etag),
                        last_modified=response.headers.get("Last-Modified", last_modified),
                        not_modified=True,
                        redirects=redirects,
                    )
                if not 200 <= response.status_code < 300:
                    error = _refused(
                        _("Le serveur a répondu par une erreur (%(status)d).")
                        % {"status": response.status_code},
                        "http_status",
                    )
                    error.status = response.status_code
                    raise error
                content = _read_capped(response, max_bytes, started, deadline)
                return FetchResult(
                    url=current,
                    status=response.status_code,
                    content=content,
                    content_type=response.headers.get("Content-Type", ""),
                    etag=response.headers.get("ETag", ""),
                    last_modified=response.headers.get("Last-Modified", ""),
                    redirects=redirects,
                )
            finally:
                response.close()
    except httpx.TimeoutException:
        raise _refused(_("Le serveur a mis trop de temps à répondre."), "timeout") from None
    except httpx.HTTPError as error:
        raise _refused(
            _("Le serveur n'a pas pu être joint (%(error)s).") % {"error": type(error).__name__},
            "network",
        ) from None
    finally:
        if own_transport:
            transport.close()


def _read_capped(
    response: httpx.Response, max_bytes: int, started: float, deadline: float
) -> bytes:
    too_large = _refused(
        _("La réponse dépasse la taille permise (%(kb)d Ko).") % {"kb": max_bytes // 1024},
        "too_large",
    )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise _refused(_("Le serveur a répondu dans un codage inconnu."), "bad_encoding")
    # Decompressed by hand, never more than the cap at a time: a small gzip bomb stays small.
    inflater = (
        zlib.decompressobj(47 if "gzip" in encoding else zlib.MAX_WBITS)
        if encoding
        not in (
            "",
            "identity",
        )
        else None
    )
    chunks: list[bytes] = []
    size = 0
    try:
        for raw in response.iter_raw():
            pending = raw
            while pending:
                if inflater is None:
                    chunk, pending = pending, b""
                else:
                    chunk = inflater.decompress(pending, max_bytes - size + 1)
                    pending = inflater.unconsumed_tail
                size += len(chunk)
                if size > max_bytes:
                    raise too_large
                chunks.append(chunk)
                if inflater is not None and not chunk:
                    break
            if time.monotonic() - started > deadline:
                raise _refused(_("Le serveur a mis trop de temps à répondre."), "timeout")
    except zlib.error:
        raise _refused(_("Le serveur a envoyé une réponse illisible."), "bad_encoding") from None
    return b"".join(chunks)
