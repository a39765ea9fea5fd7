"""How a content page describes itself to the answer engine, without importing it.

Like ``search_fields`` and ``certified_display``, a page class that residents should find sets
``answer_kind`` (the first part of its documents' keys: ``fiche``, ``lieu``…) and implements
``answer_fields()``, returning the index fields by weight: ``alternatives`` (other wordings),
``short_answer``, ``body`` and optionally ``facets`` (lists of slugs), ``published_on`` (its
rank decays with age) and ``review_due``. The title, URL and the theme/audience/quartier facets
are filled in by the engine. A page type of another app becomes findable the same way.
"""

from __future__ import annotations

from typing import Any

from parvis.core.text import html_to_text

SENTENCE_ENDS = tuple(".!?:;…")


def sentences(*parts: Any) -> str:
    """Parts of a page (fields, blocks, headings, lines) as the index's text: one a line, each
    ended like a sentence, so a snippet that folds lines never glues a title to what follows
    ("collecte. Sortez le bon bac", not "collecte Sortez le bon bac")."""
    lines = (line.strip() for part in parts if part for line in str(part).splitlines())
    return "\n".join(line if line.endswith(SENTENCE_ENDS) else f"{line}." for line in lines if line)


def stream_text(stream: Any) -> str:
    """The searchable text of a StreamField, as sentences."""
    parts: list[str] = []
    for block in stream or []:
        try:
            parts.extend(str(p) for p in block.block.get_searchable_content(block.value))
        except (AttributeError, TypeError, ValueError):
            parts.append(str(block.value))
    return sentences(*(html_to_text(p) for p in parts))


def rich_text(value: Any) -> str:
    return html_to_text(value)
