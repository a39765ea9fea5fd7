"""``{% discovery_for_page page %}``, ``{% discovery_for_about about %}`` and
``{% discovery_for_answer query result_key %}``: the discovery list of a page.

The list is the same for everyone on a given day unless the person chose a quartier or
interests (a cookie they set themselves); a cached page keeps it until midnight at most.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from parvis.content.hours import PARIS
from parvis.core.pagecache import page_cache_limit
from parvis.core.published import published_memo
from parvis.discovery import selectors
from parvis.discovery.feed import About
from parvis.discovery.preferences import preferences_read

register = template.Library()


def _seconds_to_midnight() -> float:
    now = timezone.now().astimezone(PARIS)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=PARIS)
    return (midnight - now).total_seconds()


def _feed(context: template.Context, about: About) -> dict[str, Any]:
    request = context.get("request")
    vocab = selectors.vocabulary()
    chosen = None
    if request is not None:
        chosen = preferences_read(
            request,
            quartiers=set(vocab.quartiers),
            themes=set(vocab.themes) - set(vocab.sensitive),
        )
    page_cache_limit(_seconds_to_midnight())  # the list changes with the day
    # Without a person's choice, the day's list of this subject (kept once per publication).
    picks = selectors.discovery_feed(
        about=about, preferences=chosen, vocab=vocab if chosen is not None else None
    )
    return {
        "picks": picks,
        "request": request,
        "chosen_quartiers": sorted(vocab.quartiers[s] for s in chosen.quartiers) if chosen else [],
        "chosen_themes": sorted(vocab.themes[s] for s in chosen.themes) if chosen else [],
        "here": request.get_full_path() if request is not None else "",
    }


@register.inclusion_tag("discovery/_feed.html", takes_context=True)
def discovery_for_page(context: template.Context, page: Any) -> dict[str, Any]:
    return _feed(context, selectors.about_page(page))


@register.inclusion_tag("discovery/_feed.html", takes_context=True)
def discovery_for_about(context: template.Context, about: About) -> dict[str, Any]:
    return _feed(context, about)


@register.inclusion_tag("discovery/_feed.html", takes_context=True)
def discovery_for_answer(
    context: template.Context, query: str, result_key: str | None = None
) -> dict[str, Any]:
    return _feed(context, selectors.about_answer(query=query, result_key=result_key))


@register.inclusion_tag("discovery/_quartiers_links.html")
def quartiers_links() -> dict[str, Any]:
    """Links to every quartier page (home page, footer of lists)."""
    from parvis.content.models import Quartier

    quartiers = published_memo(
        ("quartiers-links",), lambda: list(Quartier.objects.order_by("name").values("slug", "name"))
    )
    return {"quartiers": quartiers}
