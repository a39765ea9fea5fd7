"""The answer engine's public contract: one function every door calls.

The search page, the JSON API, the CLI, the assistant and the urban screens all call
``answer_query`` and get the same ``AnswerResponse``.

``confidence`` is a calibrated probability that the first result is the right one (fitted on
questions with known answers; see ``parvis.answers.ranking.confidence``): compare it with a
threshold. ``margin`` is the raw relative gap between the first two scores.

Result ids: ``<type>:<slug>`` for pages (``fiche:refaire-carte-identite``), an imported
document's own id otherwise (``F34355``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.answers import index, ranking, semantic
from parvis.answers.models import SearchDocument
from parvis.answers.query import ParsedQuery, Understanding, respell, understand
from parvis.answers.text import MAX_QUERY_LENGTH, stem, stems
from parvis.content.geography import Position, zone_for
from parvis.content.models import FichePage, LieuPage
from parvis.core import geocoding

ADDRESS_CONFIDENT = 0.6  # below this addok score, the address is asked again with choices
CONFIDENT = 0.5  # at or above this confidence, the first result is shown as an answer card
CANDIDATES = 50
PRESNIPPET = 5  # lexical results beyond the shown ones whose snippets are made early


@dataclass(frozen=True)
class ResultItem:
    """One ranked result. ``id`` is ``<type>:<slug>`` for pages, or an imported document's id."""

    id: str
    url: str
    title: str
    type: str
    score: float
    snippet: str
    page_id: int | None = None
    source: str = ""
    licence: str = ""


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
    licence: str = ""
    # An answer that depends on the address (values per zone): the card asks for it, then
    # answers for it ("Au 12 rue de Strasbourg : bac jaune le mardi matin…").
    needs_address: bool = False
    address: str = ""  # the address as understood ("12 rue de Strasbourg 44000 Nantes")
    address_answer: str = ""
    address_choices: list[str] = field(default_factory=list)  # when the address is unclear
    address_unknown: bool = False  # an address was given but no zone holds it
    # The card's language: "en" when an English question gets the page's English version,
    # "fr" otherwise (an English question then reads "This answer is in French").
    language: str = "fr"


@dataclass(frozen=True)
class AddressAnswer:
    address: str = ""
    answer: str = ""
    choices: list[str] = field(default_factory=list)
    unknown: bool = False


_HOUSENUMBER = re.compile(r"^\s*\d+\s*(?:bis|ter|quater|[a-z])?\b[\s,]*", re.IGNORECASE)


def address_answer(fiche: FichePage, address: str) -> AddressAnswer:
    """The Fiche's answer for one address: the zone of its zone set holding the address.

    The address engine (addok) places the address; without it (no Redis), the street typed is
    matched against the zones' street lists, so the answer still comes when it can.
    """
    typed = " ".join(address.split())[:200]
    if not typed:
        return AddressAnswer()
    found = geocoding.geocode(typed, limit=5, autocomplete=False)
    zone = None
    label = typed
    if found:
        best = found[0]
        if best.score < ADDRESS_CONFIDENT:  # "rue de la paix" is not "rue de la Marne"
            return AddressAnswer(address=typed, choices=[a.label for a in found])
        label = best.name
        zone = zone_for(
            zone_set=fiche.zone_set,
            street=best.street,
            position=Position(latitude=best.latitude, longitude=best.longitude),
        )
    else:
        zone = zone_for(zone_set=fiche.zone_set, street=_HOUSENUMBER.sub("", typed.split(",")[0]))
    if zone is None:
        return AddressAnswer(address=label, unknown=True)
    values = {"address": label, "answer": fiche.answer_for_zone(zone.values).rstrip(".")}
    if _HOUSENUMBER.match(label):
        answer = _("Au %(address)s : %(answer)s.") % values
    else:
        answer = _("%(address)s : %(answer)s.") % values
    return AddressAnswer(address=label, answer=answer)


@dataclass(frozen=True)
class AnswerResponse:
    query: str
    answer: AnswerCard | None
    confidence: float
    results: list[ResultItem]
    margin: float = 0.0  # raw relative gap between the first two scores, 0..1
    suggestion: str = ""  # the question with its spelling corrected, when it was
    terms: list[str] = field(default_factory=list)  # stems matched, for highlighting
    at: dt.datetime | None = None  # the moment the question is about (Europe/Paris)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    language: str = "fr"  # the question's language ("en": told by its function words)
    # The question as parsed once (normalised text, stems, time, communes…), for what the
    # callers do next (the search log) without parsing it again. Not part of the JSON API.
    parsed: ParsedQuery | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The JSON API's shape: query, answer|null, confidence, results (+ extra fields)."""
        data = asdict(replace(self, parsed=None))
        data.pop("parsed", None)
        for item in data["results"]:
            item.pop("page_id", None)
        data["at"] = self.at.isoformat() if self.at else None
        data.pop("terms", None)
        data.pop("facets", None)
        return data


def normalise_query(raw: str) -> str:
    """Collapse whitespace, drop control characters, cap the length (display form)."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in str(raw))
    return " ".join(cleaned.split())[:MAX_QUERY_LENGTH]


def result_is_about(*, item: ResultItem, response: AnswerResponse) -> bool:
    """True when the result's title or other wordings hold one of the question's words.

    ``confidence`` is calibrated on questions that have an answer: it tells which candidate is
    right, not whether any is (a question matching one document by a single stray word gets a
    large margin). A result that names a word of the question in what it says it is about
    (its title, its other wordings; lexicon expansions count) is on the question's subject.
    """
    asked = set(response.terms)
    if not asked:
        return False
    doc = (
        SearchDocument.objects.filter(key=item.id)
        .values("title", "alternatives", "learned")
        .first()
    )
    head = f"{doc['title']} {doc['alternatives']} {doc['learned']}" if doc else item.title
    return not asked.isdisjoint(stems(head))


def place_status(lieu: LieuPage, at: dt.datetime) -> PlaceStatus:
    status = lieu.opening_status(at)
    return PlaceStatus(lieu.title, lieu.url, lieu.address, status.is_open, status.label)


def fiche_card(fiche: FichePage, at: dt.datetime, key: str = "", address: str = "") -> AnswerCard:
    per_address = address_answer(fiche, address) if fiche.needs_address else AddressAnswer()
    return AnswerCard(
        id=key or f"fiche:{fiche.slug}",
        url=fiche.url,
        title=fiche.title,
        type="fiche",
        short_answer=fiche.short_answer,
        documents=[str(block.value) for block in fiche.documents],
        cost=fiche.cost,
        delay=fiche.delay,
        places=[place_status(lieu, at) for lieu in fiche.lieux],
        needs_address=fiche.needs_address,
        address=per_address.address,
        address_answer=per_address.answer,
        address_choices=per_address.choices,
        address_unknown=per_address.unknown,
    )


def card_in_language(card: AnswerCard, page_id: int | None, language: str) -> AnswerCard:
    """The card in the question's language: the page's live translation (Wagtail locales)
    where the editors made one, else the French card, marked as French."""
    from wagtail.models import Locale, Page

    page = Page.objects.filter(pk=page_id).first() if page_id else None
    locale = Locale.objects.filter(language_code=language).first()
    translated = page.get_translation_or_none(locale) if page and locale else None
    if translated is None or not translated.live:
        return replace(card, language="fr")
    translated = translated.specific
    short = getattr(translated, "short_answer", "") or getattr(translated, "intro", "")
    return replace(
        card,
        url=translated.url,
        title=translated.title,
        short_answer=short or card.short_answer,
        language=language,
    )


def _card(doc: SearchDocument, at: dt.datetime, address: str = "") -> AnswerCard:
    if doc.kind == "fiche" and doc.page_id:
        fiche = (
            FichePage.objects.filter(pk=doc.page_id)
            .prefetch_related("places__lieu__opening_rules", "places__lieu__opening_exceptions")
            .first()
        )
        if fiche is not None:
            return fiche_card(fiche, at, doc.key, address)
    places = []
    if doc.kind == "lieu" and doc.page_id:
        lieu = (
            LieuPage.objects.filter(pk=doc.page_id)
            .prefetch_related("opening_rules", "opening_exceptions")
            .first()
        )
        places = [place_status(lieu, at)] if lieu else []
    return AnswerCard(
        id=doc.key,
        url=doc.url,
        title=doc.title or ranking.fallback_title(doc),
        type=doc.kind,
        short_answer=doc.short_answer,
        places=places,
        source=doc.source,
        licence=doc.licence,
    )


def _snippets(docs: list[SearchDocument], stems: set[str]) -> dict[int, str]:
    if not docs:
        return {}
    bodies = ranking.bodies_load([doc.pk for doc in docs])
    return {doc.pk: ranking.snippet(doc, stems, bodies.get(doc.pk, "")) for doc in docs}


def _corrections_refused(
    meaning: Understanding, ranked: list[tuple[SearchDocument, float]]
) -> frozenset[str]:
    """The misspelt words whose correction does not find a better answer, to take as typed.

    A correction is kept when the corrected word is part of what the first result of the
    corrected question is about (its title or the questions it answers): "vieux" -> "lieux" or
    "card" -> "tard" brings nothing the answer is about, so the question is not rewritten into
    a worse one, and the word the site does not know is left out of the search.
    """
    if not meaning.corrections:
        return frozenset()
    if not ranked:
        return frozenset(meaning.corrections)
    about = ranking.subject_stems(ranked[0][0])
    return frozenset(w for w, fixed in meaning.corrections.items() if stem(fixed) not in about)


def answer_query(
    *,
    query: str,
    limit: int = 10,
    at: dt.datetime | None = None,
    filters: dict[str, str] | None = None,
    semantic_search: bool | None = None,
    address: str = "",
    commune: str | None = None,
) -> AnswerResponse:
    """Rank published content for a resident's question; answer first when confident.

    ``filters`` (optional) keeps results whose facets match, e.g. ``{"type": "fiche"}``.
    ``semantic_search=False`` keeps the engine lexical even when the semantic component is
    on (for side-by-side measurements); ``None`` follows the configuration. ``address``
    (optional) answers a Fiche whose answer depends on the address, for that address.
    ``commune`` is the slug of the site's commune, what a question naming none is about
    (``None``: the commune of the metropolitan portal).
    """
    now = at or timezone.now()
    text = normalise_query(query)
    # The optional semantic vector is computed on another core while the lexical side runs.
    use_semantic = bool(text) and semantic.enabled() and semantic_search is not False
    pending = semantic.query_vector_async(text) if use_semantic else None
    vocab = index.vocabulary()
    # The question is parsed (normalised) here, once; everything below reads ``meaning``.
    meaning = understand(text, now=now, vocab=vocab, home_commune=commune)
    if not meaning.text:
        if pending is not None:
            pending.cancel()
        return AnswerResponse(
            query=text, answer=None, confidence=0.0, results=[], at=now, parsed=meaning
        )
    moment = meaning.time.at if meaning.time else now
    ranked = ranking.rank(meaning, vocab=vocab, limit=max(limit, CANDIDATES))
    refused = _corrections_refused(meaning, ranked)
    if refused:
        meaning = respell(meaning, vocab=vocab, keep=refused)
        ranked = ranking.rank(meaning, vocab=vocab, limit=max(limit, CANDIDATES))
    confidence, margin = ranking.confidence(
        [s for _, s in ranked], meaning, ranked[0][0] if ranked else None
    )
    stems = ranking.query_stems(meaning)
    snippets: dict[int, str] = {}
    lexical = ranked  # the calibration is fitted on lexical scores, not fused ranks
    # Place cards read the lexical ranking: made while the question's vector is computed.
    places = ranking.place_answer(meaning, moment, lexical)
    if ranked and pending is not None:
        if not filters:  # while the vector is computed, the snippets most results will need
            snippets = _snippets([doc for doc, _ in ranked[: limit + PRESNIPPET]], stems)
        lexical_top = ranked[0][0].pk
        ranked = ranking.fuse_semantic(ranked, pending.result())
        if ranked[0][0].pk != lexical_top:  # the confidence of the first result shown
            confidence, _ = ranking.fused_confidence(ranked[0][0], lexical, meaning)
    facets = ranking.facet_counts([doc for doc, _ in ranked])
    if filters:
        ranked = [(d, s) for d, s in ranked if ranking.facet_match(d, filters)]
    shown = ranked[:limit]
    snippets.update(_snippets([doc for doc, _ in shown if doc.pk not in snippets], stems))
    results = [
        ResultItem(
            id=doc.key,
            url=doc.url,
            title=doc.title or ranking.fallback_title(doc),
            type=doc.kind,
            score=round(score, 4),
            snippet=snippets[doc.pk],
            page_id=doc.page_id,
            source=doc.source,
            licence=doc.licence,
        )
        for doc, score in shown
    ]
    answer = None
    asked_communes = set(meaning.communes) or (
        {meaning.home_commune} if meaning.home_commune else set()
    )
    if places is not None and places[1] >= CONFIDENT:
        answer, confidence = places
    elif (
        ranked
        and confidence >= CONFIDENT
        and not ranking.other_commune(ranked[0][0], asked_communes)
    ):
        answer = _card(ranked[0][0], moment, address)
        if meaning.language != "fr":
            answer = card_in_language(answer, ranked[0][0].page_id, meaning.language)
    return AnswerResponse(
        query=text,
        answer=answer,
        confidence=round(confidence, 4),
        results=results,
        margin=round(margin, 4),
        suggestion=meaning.suggestion,
        terms=sorted(stems),
        at=moment,
        facets=facets,
        language=meaning.language,
        parsed=meaning,
    )


def documents_published(*, kinds: list[str] | None = None) -> list[SearchDocument]:
    """Every indexed document (pages and other apps' sources), for catalogues such as the
    discovery feed; ``kinds`` keeps only those kinds (``fiche``, ``lieu``, ``groupe``…)."""
    qs = SearchDocument.objects.exclude(url="").order_by("key")
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    return list(
        qs.only(
            "key",
            "kind",
            "title",
            "short_answer",
            "url",
            "facets",
            "published_on",
            "review_due",
            "page_id",
        )
    )
