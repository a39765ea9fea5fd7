"""``{{ url|in_interface }}``: an address of the portal as reached in the visitor's interface
language (``/demarches/…`` → ``/en/demarches/…`` on a page served under ``/en/``); other
addresses unchanged. For addresses computed before the request (the answer index, the discovery
feed, stored links); pages and named routes already follow the interface by themselves."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
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


@register.filter(is_safe=True)
def mark_term(text: str, term: str) -> str:
    """``text`` (interface words) with the French ``term`` it quotes marked ``lang="fr"`` in
    another interface: "Same theme: <span lang="fr">État civil</span>"."""
    text = conditional_escape(text)
    attribute = lang_attribute(None)
    escaped = conditional_escape(term or "")
    at = text.rfind(escaped) if escaped and attribute else -1
    if at < 0:
        return text
    return format_html(
        "{}<span{}>{}</span>{}",
        text[:at],
        mark_safe(attribute),  # noqa: S308 — a fixed attribute and a locale code
        escaped,
        text[at + len(escaped) :],
    )
