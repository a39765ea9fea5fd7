"""What the discovery app reads: the catalogue, what a page is about, a page's discovery list.

The catalogue is the answer engine's index (``answers.selectors.documents_published``): every
page and every object another app makes findable (``answer_sources``) can be discovered too,
with the themes, quartiers and audiences it was indexed with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from parvis.answers.selectors import documents_published
from parvis.content.models import Audience, LieuPage, Quartier, Theme
from parvis.discovery.feed import (
    SIZE,
    About,
    DayPlan,
    Item,
    Pick,
    Vocabulary,
    day_plan,
    feed_build,
    is_quality,
    picks_explain,
)

# Kinds never offered for discovery: legal pages and imported national documents (no facets).
EXCLUDED_KINDS = frozenset({"page", "knowledge"})
# Kinds of the catalogue whose pages show a discovery list (with the home page and quartier
# pages; the templates that call `discovery_for_page`).
PAGE_KINDS = frozenset({"fiche", "porte"})
PLAN_CACHE_SECONDS = 26 * 3600  # keyed by day: a day's plan is never read the next day
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
    """Everything the feed may show, from the answer index."""
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
    """What a Wagtail page is about (its themes, quartiers and audiences)."""
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


def site_abouts(items: list[Item], quartiers: Iterable[str]) -> list[About]:
    """The pages that show a discovery list, as the feed sees them: the home page, every Fiche
    and door (with the facets they were indexed with) and every quartier page."""
    abouts = [About(key="accueil", url="/")]
    abouts += [
        About(key=i.key, themes=i.themes, quartiers=i.quartiers, audiences=i.audiences, url=i.url)
        for i in items
        if i.kind in PAGE_KINDS
    ]
    abouts += [
        About(key=f"quartier:{slug}", quartiers=frozenset({slug})) for slug in sorted(quartiers)
    ]
    return abouts


def _fingerprint(items: list[Item], abouts: list[About], vocab: Vocabulary, size: int) -> str:
    """The same for the same catalogue and pages in any process (sets written sorted)."""

    def line(thing: Item | About) -> str:
        values = [
            f"{name}={sorted(value) if isinstance(value, frozenset) else value}"
            for name, value in sorted(vars(thing).items())
        ]
        return f"{type(thing).__name__}|{'|'.join(values)}"

    digest = hashlib.sha256(f"{size}|{sorted(vocab.sensitive)}".encode())
    for entry in sorted(line(x) for x in [*items, *abouts]):
        digest.update(entry.encode())
    return digest.hexdigest()[:32]


def plan_of_day(*, items: list[Item], vocab: Vocabulary, day: dt.date, size: int = SIZE) -> DayPlan:
    """The day's lists of the site's pages, planned together (``feed.day_plan``), cached for
    the day and the catalogue as it is: a published or changed page makes a new plan."""
    abouts = site_abouts(items, vocab.quartiers)
    key = f"discovery:plan:{day.isoformat()}:{_fingerprint(items, abouts, vocab, size)}"
    plan = cache.get(key)
    if not isinstance(plan, DayPlan):
        plan = day_plan(items=items, abouts=abouts, vocab=vocab, day=day, size=size)
        cache.set(key, plan, PLAN_CACHE_SECONDS)
    return plan


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
    A page of the site without personal choices gets its list of the day's plan; any other
    list is built alone, steered away from what the plan shows most.
    """
    items = catalogue() if items is None else items
    vocab = vocabulary() if vocab is None else vocab
    day = day or timezone.localdate()
    plan = plan_of_day(items=items, vocab=vocab, day=day, size=size)
    planned = plan.lists.get(about.key)
    if preferences is None and planned is not None and planned[0] == about:
        by_key = {i.key: i for i in items}
        chosen = [by_key[key] for key in planned[1]]
        return picks_explain(chosen, about=about, vocab=vocab, day=day)
    showable = sum(is_quality(i, day) for i in items)
    return feed_build(
        items=items,
        about=about,
        vocab=vocab,
        day=day,
        size=size,
        preferences=preferences,
        exposure=plan.exposure(showable),
    )
