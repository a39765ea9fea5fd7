"""What the discovery app reads: the catalogue, what a page is about, a page's discovery list.

The catalogue is the answer engine's index (``answers.selectors.documents_published``): every
page and every object another app makes findable (``answer_sources``) can be discovered too,
with the themes, quartiers and audiences it was indexed with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from parvis.answers.selectors import documents_published
from parvis.content.models import Audience, LieuPage, Quartier, Theme
from parvis.core.published import published_memo
from parvis.discovery.feed import SIZE, About, Item, Pick, Vocabulary, feed_build

# Kinds never offered for discovery: legal pages and imported national documents (no facets).
EXCLUDED_KINDS = frozenset({"page", "knowledge"})
# A place has no theme of its own: its kind says what it is about.
PLACE_THEMES = {
    "piscine": "sport",
    "mediatheque": "culture-bibliotheques",
    "decheterie": "dechets-proprete",
    "ccas": "solidarite-social",
    "mediation": "numerique",
    "mairie": "citoyennete-elections",
    "mairie_annexe": "citoyennete-elections",
    "equipement": "associations-vie-locale",
}


def _slugs(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value}) if value else frozenset()
    if isinstance(value, list):
        return frozenset(str(v) for v in value if v)
    return frozenset()


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def catalogue() -> list[Item]:
    """Everything the feed may show, from the answer index (built once per publication)."""
    return published_memo(("discovery-catalogue",), _catalogue_build)


def _catalogue_build() -> list[Item]:
    items = []
    for doc in documents_published():
        if doc.kind in EXCLUDED_KINDS:
            continue
        facets = doc.facets if isinstance(doc.facets, dict) else {}
        themes = _slugs(facets.get("theme"))
        if doc.kind == "lieu" and facets.get("kind") in PLACE_THEMES:
            themes |= {PLACE_THEMES[facets["kind"]]}
        items.append(
            Item(
                key=doc.key,
                kind=doc.kind,
                title=doc.title,
                url=doc.url,
                summary=doc.short_answer,
                themes=themes,
                quartiers=_slugs(facets.get("quartier")),
                audiences=_slugs(facets.get("audience")),
                published_on=doc.published_on,
                review_due=doc.review_due,
                event_on=_date(facets.get("date")),
            )
        )
    return items


def vocabulary() -> Vocabulary:
    """Names of the terms and the sensitive themes, as editors last published them."""
    return published_memo(("discovery-vocabulary",), _vocabulary_build)


def _vocabulary_build() -> Vocabulary:
    themes = list(Theme.objects.all())
    return Vocabulary(
        themes={t.slug: t.name for t in themes},
        quartiers=dict(Quartier.objects.values_list("slug", "name")),
        audiences=dict(Audience.objects.values_list("slug", "name")),
        sensitive=frozenset(t.slug for t in themes if t.sensitive),
    )


def _terms(page: Any, name: str) -> frozenset[str]:
    manager = getattr(page, name, None)
    if manager is None or not hasattr(manager, "all"):
        return frozenset()
    return frozenset(term.slug for term in manager.all())


def about_page(page: Any) -> About:
    """What a Wagtail page is about (its themes, quartiers and audiences).

    Kept once per publication for a live page (a draft shown in preview is read afresh)."""
    if not getattr(page, "pk", None) or not page.live or page.has_unpublished_changes:
        return _about_page_build(page)
    return published_memo(("discovery-about", page.pk), lambda: _about_page_build(page))


def _about_page_build(page: Any) -> About:
    from parvis.answers.documents import page_key

    specific = getattr(page, "specific", page)
    quartiers = _terms(specific, "quartiers")
    themes = _terms(specific, "themes")
    if isinstance(specific, LieuPage):
        quartiers = frozenset({specific.quartier.slug}) if specific.quartier else frozenset()
        themes = (
            frozenset({PLACE_THEMES[specific.kind]}) if specific.kind in PLACE_THEMES else themes
        )
    audiences = _terms(specific, "audiences")
    audience = getattr(specific, "audience", None)  # an audience door
    if isinstance(audience, Audience):
        audiences = frozenset({audience.slug})
    return About(
        key=page_key(specific) if specific.depth > 2 else "accueil",
        themes=themes,
        quartiers=quartiers,
        audiences=audiences,
        url=specific.get_url() or "",
    )


def about_quartier(quartier: Quartier) -> About:
    return About(key=f"quartier:{quartier.slug}", quartiers=frozenset({quartier.slug}))


def about_answer(*, query: str, result_key: str | None) -> About:
    """What a search is about: the facets of its first result (the answer given)."""
    key = f"recherche:{' '.join(query.casefold().split())}"
    if result_key is None:
        return About(key=key)
    item = next((i for i in catalogue() if i.key == result_key), None)
    if item is None:
        return About(key=key)
    return About(key=key, themes=item.themes, quartiers=item.quartiers, url=item.url)


def discovery_feed(
    *,
    about: About,
    day: dt.date | None = None,
    size: int = SIZE,
    preferences: About | None = None,
    items: list[Item] | None = None,
    vocab: Vocabulary | None = None,
) -> list[Pick]:
    """The discovery list of a page (or screen) for ``day`` (default: today in Europe/Paris).

    Urban screens call it with ``About(key="ecran:<id>", quartiers=frozenset({slug}))``.
    The list of a day, a subject and no personal choice is the same for everyone: it is built
    once per publication (and language: its reasons are written in it).
    """
    if preferences is None and items is None and vocab is None:
        day = day or timezone.localdate()
        return published_memo(
            ("discovery-feed", about, day, size, get_language()),
            lambda: feed_build(
                items=catalogue(), about=about, vocab=vocabulary(), day=day, size=size
            ),
        )
    return feed_build(
        items=catalogue() if items is None else items,
        about=about,
        vocab=vocabulary() if vocab is None else vocab,
        day=day or timezone.localdate(),
        size=size,
        preferences=preferences,
    )
