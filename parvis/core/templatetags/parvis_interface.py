"""``{{ url|in_interface }}``: an address of the portal as reached in the visitor's interface
language (``/demarches/…`` → ``/en/demarches/…`` on a page served under ``/en/``); other
addresses unchanged. For addresses computed before the request (the answer index, the discovery
feed, stored links); pages and named routes already follow the interface by themselves."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe

from parvis.core.interface import lang_attribute, localize_path

register = template.Library()


@register.filter
def in_interface(url: str | None) -> str:
    """``url`` in the interface language of the request being served."""
    return localize_path(str(url)) if url else ""


@register.filter(is_safe=True)
def lang_attr(obj: Any) -> str:
    """`` lang="fr"`` on an element showing ``obj``'s words (a page, a place, an index entry)
    when they are not in the interface language: screen readers then read them in French."""
    return mark_safe(lang_attribute(obj))  # noqa: S308 — a fixed attribute and a locale code
