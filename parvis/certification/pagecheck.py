"""The rules for verifying a page by its address, shared by ``parvis verify`` and ``/verifier/``.

1. The address's origin must be one the city certifies (``PARVIS_CERTIFIED_ORIGINS``): a copy of
   a page elsewhere, linking to a genuine proof, is not the city's page.
2. Keys come from a pinned source (a file, or the city's first origin), never from the page.
3. The statement must be a publication about this very path (an English URL of a French page,
   or another page's proof, is refused).
4. The text the page serves in its certified region must be the signed text (``served``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from parvis.certification.served import served_content_check
from parvis.certification.verify import VerificationError, Verified, bundle_verify

_LINK = re.compile(r'<link rel="alternate" type="application/json"[^>]*href="([^"]+)"')


@dataclass(frozen=True)
class PageVerified:
    result: Verified
    outside: int  # blocks of the page its signature does not cover (``data-uncertified``)


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL, lower case; ValueError when it is not one."""
    parts = urlsplit(url.strip())  # raises ValueError for e.g. "http://[::1"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) URL")
    port = f":{parts.port}" if parts.port else ""
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}{port}".lower()


def origin_check(url: str, origins: list[str]) -> None:
    try:
        origin = origin_of(url)
    except ValueError as exc:
        raise VerificationError("Cette adresse est illisible.") from exc
    if origin not in {o.rstrip("/").lower() for o in origins}:
        raise VerificationError(
            f"Cette adresse ({origin}) n'est pas celle du portail de la Ville "
            f"({', '.join(origins)}) : une copie ailleurs n'est pas certifiée."
        )


def bundle_link(html: str) -> str:
    found = _LINK.search(html)
    if not found:
        raise VerificationError("Cette page n'a pas de preuve de certification.")
    return found.group(1)


def page_verify(
    *, url: str, html: str, bundle: dict[str, Any], keys: dict[str, Any], origins: list[str]
) -> PageVerified:
    """Apply every rule to a page fetched from ``url``; VerificationError says which failed."""
    origin_check(url, origins)
    result = bundle_verify(bundle, keys)
    statement = result.statement
    if urlsplit(str(statement.get("url", ""))).path != (urlsplit(url).path or "/"):
        raise VerificationError("La preuve ne porte pas sur cette page.")
    if statement.get("type") != "publication":
        raise VerificationError("La preuve dit que cette page a été retirée par la Ville.")
    outside = served_content_check(html=html, statement=statement)
    return PageVerified(result=result, outside=outside)
