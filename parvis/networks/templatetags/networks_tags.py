from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from parvis.answers.jsonld import dumps

register = template.Library()


@register.simple_tag
def jsonld_blocks(items: list[dict]) -> SafeString:
    """``<script type="application/ld+json">`` blocks, JSON escaped for <script>."""
    blocks = [f'<script type="application/ld+json">{dumps(item)}</script>' for item in items]
    return mark_safe("\n".join(blocks))  # noqa: S308 — escaped by dumps()
