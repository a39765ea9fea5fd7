"""The answer engine's public contract: one function every door calls.

The search page, the JSON API, the CLI, the assistant and the urban screens all call
``answer_query`` and get the same ``AnswerResponse``. This first version ranks with Wagtail's
database search; the engine behind the contract is free to change, the contract is not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import timezone
from wagtail.models import Page

from parvis.content.models import FichePage, LieuPage

MAX_QUERY_LENGTH = 200
CONFIDENT = 0.6  # at or above this confidence, the first result is shown as an answer card

_TYPES = {
    "fichepage": "fiche",
    "lieupage": "lieu",
    "parcourspage": "parcours",
    "recitpage": "recit",
    "actualitepage": "actualite",
}


@dataclass(frozen=True)
class ResultItem:
    """One ranked result. ``id`` is ``page:<pk>`` for pages, or an imported document's own id."""

    id: str
    url: str
    title: str
    type: str
    score: float
    snippet: str
    page_id: int | None = None


@dataclass(frozen=True)
class PlaceStatus:
    title: str
    url: str
    address: str
    is_open: bool
    label: str


@dataclass(frozen=True)
class AnswerCard:
    """What a confident answer shows first: the short answer, then the practical details."""

    id: str
    url: str
    title: str
    type: str
    short_answer: str
    documents: list[str] = field(default_factory=list)
    cost: str = ""
    delay: str = ""
    places: list[PlaceStatus] = field(default_factory=list)
    source: str = ""


@dataclass(frozen=True)
class AnswerResponse:
    query: str
    answer: AnswerCard | None
    confidence: float
    results: list[ResultItem]

    def to_json(self) -> dict[str, Any]:
        """The JSON API's shape: query, answer|null, confidence, results."""
        data = asdict(self)
        for item in data["results"]:
            item.pop("page_id", None)
        return data


def normalise_query(raw: str) -> str:
    """Collapse whitespace, drop control characters, cap the length."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in raw)
    return " ".join(cleaned.split())[:MAX_QUERY_LENGTH]


def place_status(lieu: LieuPage, at: dt.datetime) -> PlaceStatus:
    status = lieu.opening_status(at)
    return PlaceStatus(lieu.title, lieu.url, lieu.address, status.is_open, status.label)


def fiche_card(fiche: FichePage, at: dt.datetime) -> AnswerCard:
    return AnswerCard(
        id=f"page:{fiche.pk}",
        url=fiche.url,
        title=fiche.title,
        type="fiche",
        short_answer=fiche.short_answer,
        documents=[str(block.value) for block in fiche.documents],
        cost=fiche.cost,
        delay=fiche.delay,
        places=[place_status(lieu, at) for lieu in fiche.lieux],
    )


def answer_query(*, query: str, limit: int = 10, at: dt.datetime | None = None) -> AnswerResponse:
    """Rank published content for a resident's question; answer first when confident."""
    at = at or timezone.now()
    text = normalise_query(query)
    if not any(ch.isalnum() for ch in text):
        return AnswerResponse(query=text, answer=None, confidence=0.0, results=[])
    hits = list(Page.objects.live().public().specific().search(text)[:limit])
    results = [
        ResultItem(
            id=f"page:{page.pk}",
            url=page.url,
            title=page.title,
            type=_TYPES.get(page.specific_class.__name__.lower(), "page"),
            score=round(1.0 / (rank + 1), 4),
            snippet=(getattr(page, "get_meta_description", lambda: "")() or "")[:300],
            page_id=page.pk,
        )
        for rank, page in enumerate(hits)
    ]
    confidence = 0.0
    answer = None
    if hits:
        # Placeholder calibration: a single clear hit is more trustworthy than many.
        confidence = 0.7 if len(hits) == 1 else 0.5
        if isinstance(hits[0], FichePage) and confidence >= CONFIDENT:
            answer = fiche_card(hits[0], at)
    return AnswerResponse(query=text, answer=answer, confidence=confidence, results=results)
