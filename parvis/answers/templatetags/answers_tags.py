"""Template helpers of the search page: highlighted snippets (escaped), facet links."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from parvis.answers.ranking import word_stem

register = template.Library()
_WORD = re.compile(r"\w+", re.UNICODE)


@register.filter
def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """``text`` escaped, with the words whose stem was asked wrapped in ``<mark>``."""
    wanted = set(terms or [])
    text = str(text or "")
    out, last = [], 0
    for match in _WORD.finditer(text):
        if word_stem(match.group()) in wanted:
            out.append(conditional_escape(text[last : match.start()]))
            out.append(f"<mark>{conditional_escape(match.group())}</mark>")
            last = match.end()
    out.append(conditional_escape(text[last:]))
    return mark_safe("".join(str(part) for part in out))  # noqa: S308 — every piece escaped


@register.simple_tag
def query_with(params: QueryDict, **changes: str) -> str:
    """The current query string with ``changes`` applied (empty value removes); page reset."""
    data = {k: v for k, v in params.items() if k != "page"}
    for key, value in changes.items():
        if value:
            data[key] = value
        else:
            data.pop(key, None)
    return "?" + urlencode(data)


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return (mapping or {}).get(key, "")


@register.filter
def answers_type(kind: str) -> str:
    from parvis.answers.views import TYPE_NAMES

    return str(TYPE_NAMES.get(kind, kind))
