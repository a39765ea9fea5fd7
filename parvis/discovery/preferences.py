"""A person's own choice of quartier and interests, kept on their device in one cookie.

Why a cookie, set only when the person asks: it works without JavaScript (the form posts, the
server reads it), nothing is stored on the server (no account, no profile row), and pages stay
cacheable for everyone else — the page cache and the front cache skip any request carrying it
(``PARVIS_PAGE_CACHE_SKIP_COOKIES``). It holds slugs only, is erased in one click, and is
never written from what a person reads: only from the form.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from parvis.discovery.feed import About

COOKIE = "parvis_decouverte"
MAX_AGE = 395 * 24 * 3600  # 13 months, the CNIL's ceiling for a cookie's lifetime
MAX_INTERESTS = 12


def preferences_read(
    request: HttpRequest, *, quartiers: set[str], themes: set[str]
) -> About | None:
    """The person's choice, keeping only known quartiers and non-sensitive themes."""
    raw = request.COOKIES.get(COOKIE, "")
    if not raw:
        return None
    values = parse_qs(raw[:2000])
    quartier = [q for q in values.get("q", [])[:1] if q in quartiers]
    interests = [t for t in values.get("t", [])[:MAX_INTERESTS] if t in themes]
    if not quartier and not interests:
        return None
    return About(key="preferences", themes=frozenset(interests), quartiers=frozenset(quartier))


def preferences_write(response: HttpResponse, *, quartier: str, interests: list[str]) -> None:
    value = urlencode([("q", quartier)] * bool(quartier) + [("t", t) for t in interests])
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def preferences_erase(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, samesite="Lax")
