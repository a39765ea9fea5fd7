"""Which origins the city certifies: one group of origins per site the install serves.

One install serves the metropolitan portal (the default Wagtail Site) and a site per commune
(``content.communes``). Each serves its own pages at its own origin, and a statement is signed
at the address of its page's site. The certified origins are derived from the Wagtail Sites,
never kept by hand:

- the portal (first): ``PARVIS_CERTIFIED_ORIGINS`` (extra public origins, e.g. a ``www.`` alias
  or the address before a change of domain), the origin of ``PARVIS_BASE_URL`` and the default
  Site's;
- each other Site: its own origin (``Site.root_url``, the address its pages are signed at).

Every Site is listed, even one whose host ``ALLOWED_HOSTS`` refuses (its pages cannot be
fetched, so none verifies; its signed statements still belong to it, not to the portal). The
groups are published in ``/.well-known/parvis/keys.json`` (``sites``): a verifier outside the
server takes them from the same pinned source as the keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from wagtail.models import Site

from parvis.certification.pagecheck import origin_of


@dataclass(frozen=True)
class CertifiedSite:
    name: str
    origins: tuple[str, ...]


def _unique(origins: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(origin.rstrip("/").lower() for origin in origins if origin))


def certified_sites() -> list[CertifiedSite]:
    """The sites the install serves, the portal first, each with its certified origins."""
    home = [*settings.PARVIS_CERTIFIED_ORIGINS, origin_of(settings.BASE_URL)]
    name = settings.WAGTAIL_SITE_NAME
    others: list[CertifiedSite] = []
    for site in Site.objects.order_by("-is_default_site", "pk"):
        try:
            origin = origin_of(site.root_url)
        except ValueError:
            continue
        if site.is_default_site:
            home.append(origin)
            name = site.site_name or name
        else:
            others.append(CertifiedSite(name=site.site_name or site.hostname, origins=(origin,)))
    portal = CertifiedSite(name=name, origins=_unique(home))
    taken = set(portal.origins)
    found = [portal]
    for site in others:  # an origin belongs to one site only (the first that claims it)
        if site.origins[0] not in taken:
            taken.add(site.origins[0])
            found.append(site)
    return found


def certified_origins() -> list[str]:
    """Every certified origin, the portal's first (its first one serves the pinned keys)."""
    return [origin for site in certified_sites() for origin in site.origins]


def sites_document() -> list[dict[str, object]]:
    """The ``sites`` member of the published keys document."""
    return [{"name": site.name, "origins": list(site.origins)} for site in certified_sites()]
