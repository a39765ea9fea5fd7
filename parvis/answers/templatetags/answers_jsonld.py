"""`{% page_jsonld page %}`: the schema.org description of a page, as JSON-LD."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from parvis.answers.jsonld import dumps, page_graph

register = template.Library()


@register.simple_tag(takes_context=True)
def page_jsonld(context: template.Context, page: object) -> SafeString:
    if page is None:
        return mark_safe("")
    blocks = [
        f'<script type="application/ld+json">{dumps(item)}</script>'
        for item in page_graph(page, context.get("request"))
    ]
    return mark_safe("\n".join(blocks))  # noqa: S308 — JSON escaped for <script> by dumps()
