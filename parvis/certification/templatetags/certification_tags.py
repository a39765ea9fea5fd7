"""``{% certified_entry page as entry %}``: the latest signed log entry of a page, if any."""

from __future__ import annotations

from typing import Any

from django import template

from parvis.certification.models import LogEntry
from parvis.certification.selectors import page_entry_latest

register = template.Library()


@register.simple_tag(takes_context=True)
def certified_entry(context: Any, page: Any) -> LogEntry | None:
    """Cached per render: the head link and the footer line share one query."""
    if page is None or not getattr(page, "pk", None):
        return None
    cache = context.render_context.setdefault("certification_entries", {})
    if page.pk not in cache:
        found = page_entry_latest(page_id=page.pk)
        cache[page.pk] = found if found and found.kind == LogEntry.Kind.PUBLICATION else None
    return cache[page.pk]
