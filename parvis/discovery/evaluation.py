"""Measure the discovery lists of every page against a pure-relevance baseline.

For each French page that shows a discovery list (home, every live Fiche, every audience door,
every quartier page; lists of searches and screens depend on a query or a screen),
the discovery list of the day is compared with the list a pure-relevance engine would show: the
answer engine's ranking for the page's title (``answers.selectors.answer_query``, lexical, as
the engine ranks by default), same length, the page itself left out, and held to the same
quality gate as discovery (no stale news, no page overdue for review, none without a summary:
the comparison is of the ranking, not of the gate). Figures:

- intra-list diversity: distinct themes, quartiers, audiences and kinds per list, and the mean
  pairwise distance (1 − Jaccard) between the items' facet sets;
- catalogue coverage: the share of the showable catalogue (what passes the quality gate) that
  appears in at least one list of the day, and how evenly the lists' slots are spread over it
  (Gini coefficient of the exposure counts);
- unsought share: the share of items sharing no theme and no quartier with their page (mean and
  minimum over lists), and the lists under a third;
- sensitive pages whose list holds sensitive items ("more of the same").
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from wagtail.models import Locale

from parvis.answers.selectors import answer_query
from parvis.content.models import DoorPage, FichePage, HomePage, Quartier
from parvis.discovery import selectors
from parvis.discovery.feed import SIZE, About, Item, Vocabulary, is_quality, is_unsought


@dataclass(frozen=True)
class EvalPage:
    kind: str
    title: str
    about: About


def pages_evaluated() -> list[EvalPage]:
    """Every page that shows a discovery list, with what it is about (the pages whose templates
    call ``discovery_for_page`` or ``discovery_for_about``: no list is counted that nobody sees)."""
    pages: list[EvalPage] = []
    french = Locale.get_default()  # the answer engine, hence the baseline, is French
    home = HomePage.objects.live().filter(depth=2, locale=french).first()
    if home is not None:
        pages.append(EvalPage("accueil", home.title, selectors.about_page(home)))
    for model, kind in ((FichePage, "fiche"), (DoorPage, "porte")):
        for page in model.objects.live().public().filter(locale=french).order_by("title"):
            pages.append(EvalPage(kind, page.title, selectors.about_page(page)))
    for quartier in Quartier.objects.order_by("name"):
        pages.append(EvalPage("quartier", quartier.name, selectors.about_quartier(quartier)))
    return pages


def _facets(item: Item) -> set[str]:
    return (
        {f"t:{t}" for t in item.themes}
        | {f"q:{q}" for q in item.quartiers}
        | {f"a:{a}" for a in item.audiences}
        | {f"k:{item.kind}"}
    )


def _distance(a: Item, b: Item) -> float:
    fa, fb = _facets(a), _facets(b)
    return 1 - len(fa & fb) / len(fa | fb)


def list_figures(
    items: Sequence[Item], about: About, sensitive: frozenset[str]
) -> dict[str, float]:
    pairs = list(itertools.combinations(items, 2))
    return {
        "themes": len({t for i in items for t in i.themes}),
        "quartiers": len({q for i in items for q in i.quartiers}),
        "audiences": len({a for i in items for a in i.audiences}),
        "kinds": len({i.kind for i in items}),
        "distance": statistics.fmean(_distance(a, b) for a, b in pairs) if pairs else 0.0,
        "unsought": (
            sum(is_unsought(i, about, sensitive) for i in items) / len(items) if items else 0.0
        ),
    }


def baseline_list(
    page: EvalPage, by_key: dict[str, Item], size: int, at: dt.datetime, day: dt.date
) -> list[Item]:
    """What pure relevance shows: the engine's ranking for the page's title, quality-gated."""
    response = answer_query(query=page.title, limit=size + 5, at=at, semantic_search=False)
    found = [by_key[r.id] for r in response.results if r.id in by_key]
    found = [i for i in found if is_quality(i, day)]
    return [i for i in found if i.key != page.about.key and i.url != page.about.url][:size]


def _gini(counts: list[int]) -> float:
    """0 when every item is shown as often, towards 1 when a few items take every slot."""
    if not counts or not sum(counts):
        return 0.0
    ordered = sorted(counts)
    n = len(ordered)
    weighted = sum((rank + 1) * value for rank, value in enumerate(ordered))
    return (2 * weighted) / (n * sum(ordered)) - (n + 1) / n


def _summary(
    lists: list[tuple[EvalPage, list[Item]]], catalogue_keys: list[str], vocab: Vocabulary
) -> dict[str, Any]:
    figures = [list_figures(items, page.about, vocab.sensitive) for page, items in lists]
    shown = {i.key for _, items in lists for i in items}
    catalogue_size = len(catalogue_keys)
    exposure: dict[str, int] = {}
    for _page, items in lists:
        for item in items:
            exposure[item.key] = exposure.get(item.key, 0) + 1
    sensitive_pages = [
        (page, items) for page, items in lists if page.about.themes & vocab.sensitive
    ]
    return {
        "lists": len(lists),
        "mean_length": round(statistics.fmean(len(items) for _, items in lists), 2),
        **{
            f"mean_distinct_{name}": round(statistics.fmean(f[name] for f in figures), 2)
            for name in ("themes", "quartiers", "audiences", "kinds")
        },
        "mean_pairwise_distance": round(statistics.fmean(f["distance"] for f in figures), 3),
        "catalogue_coverage": round(len(shown) / catalogue_size, 3) if catalogue_size else 0.0,
        "items_shown": len(shown),
        "exposure_gini": round(_gini([exposure.get(key, 0) for key in catalogue_keys]), 3),
        "mean_unsought_share": round(statistics.fmean(f["unsought"] for f in figures), 3),
        "min_unsought_share": round(min(f["unsought"] for f in figures), 3),
        "lists_under_a_third": sum(f["unsought"] < 1 / 3 - 1e-9 for f in figures),
        "sensitive_pages": len(sensitive_pages),
        "sensitive_pages_with_sensitive_items": sum(
            any(i.themes & vocab.sensitive for i in items) for _, items in sensitive_pages
        ),
    }


def evaluate(*, day: dt.date | None = None, size: int = SIZE) -> dict[str, Any]:
    """Discovery and baseline figures over every page, for one day."""
    day = day or timezone.localdate()
    at = timezone.now()
    items = selectors.catalogue()
    vocab = selectors.vocabulary()
    by_key = {i.key: i for i in items}
    keys = [i.key for i in items if is_quality(i, day)]
    discovery, baseline = [], []
    for page in pages_evaluated():
        picks = selectors.discovery_feed(
            about=page.about, day=day, size=size, items=items, vocab=vocab
        )
        discovery.append((page, [p.item for p in picks]))
        baseline.append((page, baseline_list(page, by_key, size, at, day)))
    return {
        "day": day.isoformat(),
        "size": size,
        "catalogue": len(items),
        "showable": len(keys),
        "discovery": _summary(discovery, keys, vocab),
        "baseline": _summary(baseline, keys, vocab),
    }
