"""The rules for verifying a page by its address, shared by ``parvis verify`` and ``/verifier/``.

1. The address's origin must be one the city certifies: an origin of a site the install serves
   (``certification.sites``: the portal's and each commune's, published with the keys): a copy
   of a page elsewhere, linking to a genuine proof, is not the city's page.
2. Keys (and the sites' origins) come from a pinned source (a file, or the city's first
   origin), never from the page.
3. The statement must be a publication about this very address: the same path, signed at the
   same site (each commune's site has its own "/demarches/"; an English URL of a French page,
   or another page's proof, is refused).
4. The text the page serves in its certified region must be the signed text (``served``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

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


def origin_check(url: str, origins: Sequence[str]) -> None:
    try:
        origin = origin_of(url)
    except ValueError as exc:
        raise VerificationError(_("Cette adresse est illisible.")) from exc
    if origin not in {o.rstrip("/").lower() for o in origins}:
        raise VerificationError(
            _(
                "Cette adresse (%(origin)s) n'est celle d'aucun site de la Ville "
                "(%(origins)s) : une copie ailleurs n'est pas certifiée."
            )
            % {"origin": origin, "origins": ", ".join(origins)}
        )


Sites = Sequence[Sequence[str]]  # the origins of each site the city serves, the portal first


def sites_with(sites: Sites, origins: Sequence[str]) -> list[list[str]]:
    """``sites`` (from the pinned keys document) and the origins a verifier was given
    (``--origin``): one given that no site lists is the portal's."""
    groups = [[o.rstrip("/").lower() for o in site] for site in sites] or [[]]
    for origin in (o.rstrip("/").lower() for o in origins):
        if site_index(origin, groups) is None:
            groups[0].append(origin)
    return groups


def site_index(origin: str, sites: Sites) -> int | None:
    """Which site (index in ``sites``) serves ``origin``; None when none does."""
    return next((i for i, site in enumerate(sites) if origin in site), None)


def statement_site(url: str, sites: Sites) -> int:
    """The site a statement was signed at, by its signed ``url``. An address no site lists any
    more (before a change of domain) counts as the portal's."""
    try:
        found = site_index(origin_of(url), sites)
    except ValueError:
        found = None
    return found if found is not None else 0


def sites_read(keys: dict[str, Any]) -> list[list[str]]:
    """The ``sites`` of a keys document (absent from one published before them: none)."""
    found = []
    for site in keys.get("sites") or []:
        origins = site.get("origins") if isinstance(site, dict) else None
        if isinstance(origins, list) and all(isinstance(o, str) for o in origins):
            found.append(origins)
    return found


def bundle_link(html: str) -> str:
    found = _LINK.search(html)
    if not found:
        raise VerificationError("Cette page n'a pas de preuve de certification.")
    return found.group(1)


def page_verify(
    *,
    url: str,
    html: str,
    bundle: dict[str, Any],
    keys: dict[str, Any],
    origins: Sequence[str],
    sites: Sites | None = None,
) -> PageVerified:
    """Apply every rule to a page fetched from ``url``; VerificationError says which failed.

    ``sites``: the origins of each site of the city (default: the keys document's ``sites``);
    ``origins`` given by the verifier are the portal's unless a site lists them.
    """
    groups = sites_with(sites_read(keys) if sites is None else sites, origins)
    origin_check(url, [origin for group in groups for origin in group])
    result = bundle_verify(bundle, keys)
    statement = result.statement
    signed = str(statement.get("url", ""))
    if urlsplit(signed).path != (urlsplit(url).path or "/"):
        raise VerificationError(_("La preuve ne porte pas sur cette page."))
    if statement_site(signed, groups) != site_index(origin_of(url), groups):
        raise VerificationError(
            _("La preuve porte sur la page de même adresse d'un autre site de la Ville (%(url)s).")
            % {"url": signed}
        )
    if statement.get("type") != "publication":
        raise VerificationError("La preuve dit que cette page a été retirée par la Ville.")
    outside = served_content_check(html=html, statement=statement)
    return PageVerified(result=result, outside=outside)
