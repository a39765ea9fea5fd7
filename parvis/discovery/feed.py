"""The discovery feed: what a page is about, plus a guaranteed share of what nobody looked for.

Pure functions over plain data (no database), so the guarantees are easy to test and the same
code serves pages, urban screens and the evaluation:

- at least a third of every list (``ceil(size / 3)``) is *unsought*: items sharing no theme and
  no quartier with the page (nor with the person's chosen quartier and interests); half is the
  aim when the catalogue allows it;
- only items of quality: a short answer or introduction, not overdue for review, news not stale;
- sensitive themes (social aid, health…) are never used to select anything, and a page about
  one never fills its list with sensitive items ("more of the same");
- deterministic for a (day, page) pair: the only randomness is a hash of the day, the page key and
  the item key, so a page's list is cacheable until midnight and changes the next day;
- spread over the catalogue: drawn independently, the pages' lists would give items that fit many
  pages most slots and others none. The day's lists are therefore planned together
  (:func:`day_plan`): page after page, in an order drawn from the day, each list prefers the items
  the lists before it showed least. Only the score changes: each page's pools, the quality gate,
  the unsought share and the sensitive rules are the same. A list outside the plan (a search, a
  screen, a person's choices) is steered by the plan's final counts;
- never personalised unless the person chose a quartier or interests themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

SIZE = 6
NEWS_MAX_AGE_DAYS = 90
FRESH_DAYS = 30
NEW_DAYS = 7
# Weights of the score (measured with `parvis eval_discovery`, see docs/discovery.md): the day's
# rotation, freshness, and, while a list is filled, a bonus for a quartier or audience not yet in
# it and a penalty for each theme or quartier it already shows.
JITTER_WEIGHT = 20.0
FRESH_WEIGHT = 2.0
NEW_QUARTIER_BONUS = 6.0
NEW_AUDIENCE_BONUS = 2.0
REPEAT_PENALTY = 5.0
# What one showing of an item by an earlier list of the day's plan costs it: enough to spread the
# day's slots over the whole catalogue, not so much that it beats the bonuses above (a list would
# then take the least-shown items whatever they repeat). For a list outside the plan, what a fair
# share of the day's slots costs (gentle: a penalty shared by every such list must not herd them
# onto the same few items).
PLAN_WEIGHT = 3.0
EXPOSURE_WEIGHT = 2.0


@dataclass(frozen=True)
class Item:
    """One thing the feed may show (a Fiche, a place, a story, a group…)."""

    key: str
    kind: str
    title: str
    url: str
    summary: str = ""
    themes: frozenset[str] = frozenset()
    quartiers: frozenset[str] = frozenset()
    audiences: frozenset[str] = frozenset()
    published_on: dt.date | None = None
    review_due: dt.date | None = None
    event_on: dt.date | None = None


@dataclass(frozen=True)
class About:
    """What a page (or a person's explicit choice) is about."""

    key: str
    themes: frozenset[str] = frozenset()
    quartiers: frozenset[str] = frozenset()
    audiences: frozenset[str] = frozenset()
    url: str = ""


@dataclass(frozen=True)
class Pick:
    item: Item
    reason: str
    unsought: bool
    reason_term: str = ""  # the term's name quoted in ``reason``


@dataclass(frozen=True)
class Vocabulary:
    """Names of terms (for reasons) and which themes are sensitive."""

    themes: dict[str, str] = field(default_factory=dict)
    quartiers: dict[str, str] = field(default_factory=dict)
    audiences: dict[str, str] = field(default_factory=dict)
    sensitive: frozenset[str] = frozenset()


UNSOUGHT_TARGET = 0.5  # the share aimed at; the guarantee is a third


def unsought_floor(size: int) -> int:
    """How many items of a list of ``size`` must be unsought, whatever happens: a third."""
    return math.ceil(size / 3)


def unsought_count(size: int) -> int:
    """How many unsought items a list of ``size`` aims at (half, never under the floor)."""
    return max(unsought_floor(size), round(size * UNSOUGHT_TARGET))


def is_unsought(item: Item, about: About, sensitive: frozenset[str] = frozenset()) -> bool:
    """True when ``item`` shares no (non-sensitive) theme and no quartier with ``about``."""
    return not (item.themes & (about.themes - sensitive)) and not (item.quartiers & about.quartiers)


def is_quality(item: Item, day: dt.date) -> bool:
    """Worth showing to someone who did not ask: it says something, and it is not stale."""
    if not item.title or not item.url or not item.summary.strip():
        return False
    if item.review_due is not None and item.review_due < day:
        return False
    if item.kind == "actualite" and item.published_on is not None:
        return (day - item.published_on).days <= NEWS_MAX_AGE_DAYS
    return item.event_on is None or item.event_on >= day


def _jitter(day: dt.date, page_key: str, item_key: str) -> float:
    digest = hashlib.sha256(f"{day.isoformat()}|{page_key}|{item_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _freshness(item: Item, day: dt.date) -> float:
    moment = item.event_on or item.published_on
    if moment is None:
        return 0.0
    return max(0.0, 1.0 - abs((moment - day).days) / FRESH_DAYS)


def _this_weekend(moment: dt.date | None, day: dt.date) -> bool:
    if moment is None:
        return False
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7)
    if day.weekday() == 6:
        saturday = day - dt.timedelta(days=1)
    return saturday <= moment <= saturday + dt.timedelta(days=1) and moment >= day


def _first_name(slugs: Iterable[str], names: dict[str, str]) -> str:
    known = sorted(names[s] for s in slugs if s in names)
    return known[0] if known else ""


def reason_for(
    item: Item, about: About, vocab: Vocabulary, day: dt.date, unsought: bool
) -> tuple[str, str]:
    """Why ``item`` is in the list, in a few words the reader understands, and the name of the
    term it quotes ("" when none): the editors' French name, marked as such in another
    interface."""
    if _this_weekend(item.event_on, day):
        return _("Ce week-end"), ""
    if item.published_on is not None and 0 <= (day - item.published_on).days <= NEW_DAYS:
        return _("Nouveau"), ""
    themes = item.themes - vocab.sensitive if not unsought else item.themes
    if not unsought:
        shared_quartier = _first_name(item.quartiers & about.quartiers, vocab.quartiers)
        if shared_quartier:
            return _("Dans le quartier : %(name)s") % {"name": shared_quartier}, shared_quartier
        shared = _first_name(themes & about.themes, vocab.themes)
        if shared:
            return _("Même thème : %(name)s") % {"name": shared}, shared
    other_quartier = _first_name(item.quartiers - about.quartiers, vocab.quartiers)
    if other_quartier:
        if about.quartiers:
            return _("Un autre quartier : %(name)s") % {"name": other_quartier}, other_quartier
        return _("Un quartier : %(name)s") % {"name": other_quartier}, other_quartier
    other_theme = _first_name(themes - about.themes, vocab.themes)
    if other_theme:
        if about.themes:
            return _("Autre thème : %(name)s") % {"name": other_theme}, other_theme
        return _("Thème : %(name)s") % {"name": other_theme}, other_theme
    other_audience = _first_name(item.audiences - about.audiences, vocab.audiences)
    if other_audience:
        return _("Pour un autre public : %(name)s") % {"name": other_audience}, other_audience
    return _("À découvrir"), ""


def _relevance(item: Item, about: About, sensitive: frozenset[str]) -> float:
    return (
        2.0 * len(item.themes & (about.themes - sensitive))
        + 2.0 * len(item.quartiers & about.quartiers)
        + 0.5 * len(item.audiences & about.audiences)
    )


def _greedy(pool: list[tuple[float, Item]], count: int, covered: dict[str, set[str]]) -> list[Item]:
    """Best-scored items first, each step discounting themes/quartiers/kinds already shown."""
    chosen: list[Item] = []
    pool = list(pool)
    while pool and len(chosen) < count:

        def gain(entry: tuple[float, Item]) -> tuple[float, str]:
            score, item = entry
            repeats = (
                len(item.themes & covered["themes"])
                + len(item.quartiers & covered["quartiers"])
                + 0.5 * (item.kind in covered["kinds"])
            )
            news = NEW_QUARTIER_BONUS * bool(item.quartiers - covered["quartiers"])
            news += NEW_AUDIENCE_BONUS * bool(item.audiences - covered["audiences"])
            return (score - REPEAT_PENALTY * repeats + news, item.key)

        best = max(pool, key=gain)
        pool.remove(best)
        item = best[1]
        chosen.append(item)
        covered["themes"] |= item.themes
        covered["quartiers"] |= item.quartiers
        covered["kinds"].add(item.kind)
        covered["audiences"] |= item.audiences
    return chosen


def feed_build(
    *,
    items: Sequence[Item],
    about: About,
    vocab: Vocabulary,
    day: dt.date,
    size: int = SIZE,
    preferences: About | None = None,
    exposure: Mapping[str, float] | None = None,
) -> list[Pick]:
    """The discovery list of a page: related items and at least a third of unsought ones.

    ``exposure`` maps an item's key to a score penalty for how much the day already shows it
    (see :func:`day_plan`); no penalty without it.
    """
    sensitive = vocab.sensitive
    wanted = _wanted(about, preferences, sensitive)
    about_sensitive = bool(about.themes & sensitive)
    candidates = [
        item
        for item in items
        if item.key != about.key
        and (not about.url or item.url != about.url)
        and is_quality(item, day)
        and not (about_sensitive and item.themes & sensitive)
    ]
    related: list[tuple[float, Item]] = []
    unsought: list[tuple[float, Item]] = []
    for item in candidates:
        base = FRESH_WEIGHT * _freshness(item, day)
        base += JITTER_WEIGHT * _jitter(day, about.key, item.key)
        if exposure is not None:
            base -= exposure.get(item.key, 0.0)
        if is_unsought(item, wanted, sensitive):
            unsought.append((base, item))
        else:
            related.append((base + _relevance(item, wanted, sensitive), item))
    n_unsought = unsought_count(size)
    covered: dict[str, set[str]] = {
        "themes": set(),
        "quartiers": set(),
        "kinds": set(),
        "audiences": set(),
    }
    chosen_related = _greedy(related, size - n_unsought, covered)
    # The unsought share also makes up for a page with too few related items.
    covered = {
        "themes": set(wanted.themes) | covered["themes"],
        "quartiers": set(wanted.quartiers) | covered["quartiers"],
        "kinds": covered["kinds"],
        "audiences": covered["audiences"],
    }
    chosen_unsought = _greedy(unsought, size - len(chosen_related), covered)
    if len(chosen_unsought) < unsought_floor(size):  # shorten rather than break the third
        chosen_related = chosen_related[: 2 * len(chosen_unsought)]
    ordered: list[Item] = []
    rest_related, rest_unsought = list(chosen_related), list(chosen_unsought)
    # Unsought items are spread through the list (2nd, 5th…), not hidden at its end.
    while rest_related or rest_unsought:
        slot_unsought = len(ordered) % 3 == 1
        first, second = (rest_unsought, rest_related)[:: 1 if slot_unsought else -1]
        ordered.append((first or second).pop(0))
    return picks_explain(ordered, about=about, vocab=vocab, day=day, preferences=preferences)


def _wanted(about: About, preferences: About | None, sensitive: frozenset[str]) -> About:
    """What a list is about: the page, plus the person's own choices; never a sensitive theme."""
    return About(
        key=about.key,
        themes=(about.themes | (preferences.themes if preferences else frozenset())) - sensitive,
        quartiers=about.quartiers | (preferences.quartiers if preferences else frozenset()),
        audiences=about.audiences,
        url=about.url,
    )


def picks_explain(
    chosen: Sequence[Item],
    *,
    about: About,
    vocab: Vocabulary,
    day: dt.date,
    preferences: About | None = None,
) -> list[Pick]:
    """The picks of a chosen list, each with its unsought flag and its reason (in the active
    language: a planned list keeps its items, and is explained again for each reader)."""
    wanted = _wanted(about, preferences, vocab.sensitive)
    picks = []
    for item in chosen:
        flag = is_unsought(item, wanted, vocab.sensitive)
        reason, term = reason_for(item, wanted, vocab, day, flag)
        picks.append(Pick(item, reason, flag, term))
    return picks


@dataclass(frozen=True)
class DayPlan:
    """The day's lists of the site's pages, planned together, and how often each item shows."""

    lists: dict[str, tuple[About, tuple[str, ...]]]  # page key → (what it is about, item keys)
    shown: dict[str, int]  # item key → how many planned lists show it

    def exposure(self, showable: int) -> dict[str, float]:
        """Penalties for a list outside the plan: ``EXPOSURE_WEIGHT`` per fair share shown."""
        total = sum(self.shown.values())
        if not total or not showable:
            return {}
        fair = total / showable
        return {key: EXPOSURE_WEIGHT * count / fair for key, count in self.shown.items()}


def day_plan(
    *,
    items: Sequence[Item],
    abouts: Sequence[About],
    vocab: Vocabulary,
    day: dt.date,
    size: int = SIZE,
) -> DayPlan:
    """Every page's list of ``day``, built one page after another in an order drawn from the
    day: each item already shown by an earlier list costs ``PLAN_WEIGHT`` per showing, so the
    day's slots spread over the catalogue instead of piling on the items that fit most pages.
    Deterministic for (items, pages, day), like each list."""
    order = sorted(abouts, key=lambda a: (_jitter(day, "ordre-du-jour", a.key), a.key))
    shown: Counter[str] = Counter()
    lists: dict[str, tuple[About, tuple[str, ...]]] = {}
    for about in order:
        penalty = {key: PLAN_WEIGHT * count for key, count in shown.items()}
        picks = feed_build(
            items=items, about=about, vocab=vocab, day=day, size=size, exposure=penalty
        )
        keys = tuple(p.item.key for p in picks)
        lists[about.key] = (about, keys)
        shown.update(keys)
    return DayPlan(lists=lists, shown=dict(shown))


def share_unsought(picks: Sequence[Pick]) -> float:
    return sum(p.unsought for p in picks) / len(picks) if picks else 1.0


def describe(picks: Sequence[Pick]) -> list[dict[str, Any]]:
    """A JSON-friendly view of a list (API, screens, evaluation)."""
    return [
        {
            "key": p.item.key,
            "title": p.item.title,
            "url": p.item.url,
            "kind": p.item.kind,
            "reason": p.reason,
            "unsought": p.unsought,
        }
        for p in picks
    ]
