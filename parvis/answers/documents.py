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

from parvis.core.text import html_to_text

PAGE_TYPES = {
    "fichepage": "fiche",
    "lieupage": "lieu",
    "parcourspage": "parcours",
    "recitpage": "recit",
    "actualitepage": "actualite",
    "standardpage": "page",
}
LEAD_LENGTH = 400
SENTENCE_ENDS = tuple(".!?:;…")


def sentences(*parts: str) -> str:
    """Parts of a page (fields, blocks, headings, lines) as the index's text: one a line, each
    ended like a sentence, so a snippet that folds lines never glues a title to what follows
    ("collecte. Sortez le bon bac", not "collecte Sortez le bon bac")."""
    lines = (line.strip() for part in parts if part for line in str(part).splitlines())
    return "\n".join(line if line.endswith(SENTENCE_ENDS) else f"{line}." for line in lines if line)


def page_type(page: Page) -> str | None:
    """The index kind of a page; None for types never indexed and for translations (the
    engine is French: a translation shares its original's slug, hence its key)."""
    locale_id = getattr(page, "locale_id", None)
    if locale_id is not None and locale_id != _default_locale_id():
        return None
    return PAGE_TYPES.get(type(page).__name__.lower())


def _default_locale_id() -> int | None:
    from wagtail.models import Locale

    try:
        return Locale.get_default().pk
    except Locale.DoesNotExist:
        return None


def page_key(page: Page) -> str:
    return f"{page_type(page) or 'page'}:{page.slug}"


def _stream_text(stream: Any) -> str:
    parts: list[str] = []
    for block in stream or []:
        try:
            parts.extend(str(p) for p in block.block.get_searchable_content(block.value))
        except (AttributeError, TypeError, ValueError):
            parts.append(str(block.value))
    return sentences(*(html_to_text(p) for p in parts))


def _slugs(manager: Any) -> list[str]:
    return [term.slug for term in manager.all()] if manager is not None else []


def page_fields(page: Page) -> dict[str, Any] | None:
    """The index fields of a live page, or None when the page type is not searchable."""
    kind = page_type(page)
    if kind is None:
        return None
    facets: dict[str, Any] = {
        "theme": _slugs(getattr(page, "themes", None)),
        "audience": _slugs(getattr(page, "audiences", None)),
        "quartier": _slugs(getattr(page, "quartiers", None)),
    }
    fields: dict[str, Any] = {"title": page.title, "alternatives": "", "short_answer": ""}
    fields |= {"published_on": None, "review_due": None}
    body: list[str] = []
    if kind == "fiche":
        fields["alternatives"] = page.alternative_questions
        fields["short_answer"] = page.short_answer
        body += [html_to_text(page.body), _stream_text(page.steps), _stream_text(page.documents)]
        body += [page.cost, page.delay]
        fields["review_due"] = page.review_due
        if page.service_id:
            facets["service"] = page.service.slug
    elif kind == "lieu":
        fields["alternatives"] = " ".join(
            [page.get_kind_display(), page.quartier.name if page.quartier else ""]
        )
        fields["short_answer"] = page.description
        body += [page.address, page.accessibility]
        facets["quartier"] = [page.quartier.slug] if page.quartier else []
        facets["kind"] = page.kind
    elif kind == "parcours":
        fields["short_answer"] = page.intro
        body += [sentences(s.title, s.context) for s in page.parcours_steps.all()]
    elif kind in ("recit", "actualite"):
        fields["short_answer"] = page.intro
        if kind == "actualite":
            fields["published_on"] = page.date
        body.append(_stream_text(page.body) if kind == "recit" else html_to_text(page.body))
    else:
        body.append(html_to_text(page.body))
    fields["body"] = sentences(*body)
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
