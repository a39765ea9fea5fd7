"""Template tags of the certified line.

``{% certified_entry page as entry %}``: the latest signed log entry of a page, only when it is
about the address being served (an English URL of a French page is not what was signed).
``{% certified_elsewhere page as entry %}``: that entry when the page is served at another
address (the certified version is the one at ``entry.path``).
"""

from __future__ import annotations

from typing import Any

from django import template

from parvis.certification.models import LogEntry
from parvis.certification.selectors import page_entry_latest
from parvis.core.published import published_memo

register = template.Library()


def _latest(context: Any, page: Any) -> LogEntry | None:
    """Cached per request: the head link, the region and the footer line (rendered by separate
    templates, each with its own render context) share one query."""
    if page is None or not getattr(page, "pk", None):
        return None
    request = context.get("request")
    if request is not None:
        if not hasattr(request, "_certification_entries"):
            request._certification_entries = {}
        cache = request._certification_entries
    else:
        cache = context.render_context.setdefault("certification_entries", {})
    if page.pk not in cache:
        # Each new log entry draws a new publication generation (certification's apps.py).
        found = published_memo(
            ("certified-entry", page.pk), lambda: page_entry_latest(page_id=page.pk)
        )
        cache[page.pk] = found if found and found.kind == LogEntry.Kind.PUBLICATION else None
    return cache[page.pk]


def _served_path(context: Any) -> str | None:
    request = context.get("request")
    return getattr(request, "path", None)


@register.simple_tag(takes_context=True)
def certified_entry(context: Any, page: Any) -> LogEntry | None:
    found = _latest(context, page)
    if found is None or _served_path(context) not in (None, found.path):
        return None
    return found


@register.simple_tag(takes_context=True)
def certified_elsewhere(context: Any, page: Any) -> LogEntry | None:
    found = _latest(context, page)
    if found is None or _served_path(context) in (None, found.path):
        return None
    return found
