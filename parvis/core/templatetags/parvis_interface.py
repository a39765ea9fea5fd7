"""``{{ url|in_interface }}``: an address of the portal as reached in the visitor's interface
language (``/demarches/…`` → ``/en/demarches/…`` on a page served under ``/en/``); other
addresses unchanged. For addresses computed before the request (the answer index, the discovery
feed, stored links); pages and named routes already follow the interface by themselves."""

from __future__ import annotations

from django import template

from parvis.core.interface import localize_path

register = template.Library()


@register.filter
def in_interface(url: str | None) -> str:
    """``url`` in the interface language of the request being served."""
    return localize_path(str(url)) if url else ""
