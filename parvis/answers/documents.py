"""What a page or an imported document becomes in the index: fields by weight, facets, key,
and the dates the ranking's freshness signal reads (an Actualité's date, a Fiche's review due).

Stable ids: a page's id is ``<type>:<slug>`` (``fiche:refaire-carte-identite``,
``lieu:piscine-leo-lagrange``): readable, stable across databases and reloads of the demo, and
unique because each page type lives under one index page. Imported documents keep their own id
(``F34355``). ``page:<pk>`` is accepted as an alias when looking a page up.
"""

from __future__ import annotations

from typing import Any

from wagtail.models import Page

LEAD_LENGTH = 400


def page_type(page: Page) -> str | None:
    """The kind a page class declares to the engine (``answer_kind``), None if unsearchable."""
    return getattr(page, "answer_kind", None)


def page_key(page: Page) -> str:
    return f"{page_type(page) or 'page'}:{page.slug}"


def _slugs(manager: Any) -> list[str]:
    return [term.slug for term in manager.all()] if manager is not None else []


def page_fields(page: Page) -> dict[str, Any] | None:
    """The index fields of a live page, from what its class declares (``answer_fields``, see
    ``parvis.content.answering``), or None when the page type is not searchable."""
    kind = page_type(page)
    if kind is None or not callable(getattr(page, "answer_fields", None)):
        return None
    declared = dict(page.answer_fields())
    facets: dict[str, Any] = {
        "theme": _slugs(getattr(page, "themes", None)),
        "audience": _slugs(getattr(page, "audiences", None)),
        "quartier": _slugs(getattr(page, "quartiers", None)),
    }
    facets |= declared.pop("facets", {})
    fields: dict[str, Any] = {"title": page.title, "alternatives": "", "short_answer": ""}
    fields |= {"published_on": None, "review_due": None, "body": ""}
    fields |= declared
    fields["kind"] = kind
    fields["url"] = page.get_url() or ""
    fields["facets"] = facets
    return fields


def knowledge_fields(
    *, title: str, body: str, url: str, source: str, licence: str
) -> dict[str, Any]:
    """Index fields of an imported document: its lead paragraph weighs like a short answer."""
    lead, _, rest = body.strip().partition("\n")
    if len(lead) > LEAD_LENGTH:
        lead = lead[:LEAD_LENGTH].rsplit(" ", 1)[0]
        rest = body.strip()[len(lead) :]
    return {
        "kind": "knowledge",
        "title": title,
        "alternatives": "",
        "short_answer": lead,
        "body": rest,
        "url": url,
        "source": source,
        "licence": licence,
        "facets": {"source": source},
    }
