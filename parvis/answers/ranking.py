"""Ranking helpers behind ``answer_query``: retrieval call, confidence, snippets, facets, places."""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import functools
import math
import re
import unicodedata
from collections import Counter
from typing import Any

from django.db.models import Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.answers import index, kinds
from parvis.answers.models import SearchDocument
from parvis.answers.query import OPEN_WORDS, Understanding, lexicon
from parvis.answers.text import normalise, stem, stems

EXPANSION_WEIGHT = 0.6
RERANK_DEPTH = 30
SEMANTIC_DEPTH = 50
LEAD_WORDS = 60  # words of title + question + lead that count as "the beginning"
LEAD_CHARS = 1_500
OPENING_CHARS = 120  # of the body, for the title of a document without one
LEAD_BOOST = 0.4
PROXIMITY_BOOST = 0.1
# Signals beside the text: the audience the resident named, review and news dates. The boost
# and the penalty are shares of the best score, like the ones above, so they only reorder close
# candidates; news decays by a factor on its own score, so a stale item does not climb on a
# share of someone else's.
AUDIENCE_BOOST = 0.15  # the page is for the audience the resident named ("je suis étudiant")
# An Actualité's score is multiplied by NEWS_FLOOR + (1 + NEWS_BOOST - NEWS_FLOOR) * freshness,
# freshness halving every NEWS_HALF_LIFE_DAYS: news of the day gains 10 % (it rises among close
# candidates), news breaks even at about three weeks, news of a season ago loses a fifth and old
# news keeps half its score (still findable, below a current Fiche on the same subject).
NEWS_HALF_LIFE_DAYS = 90
NEWS_FLOOR = 0.5
NEWS_BOOST = 0.1
REVIEW_PENALTY = 0.05  # a Fiche nobody has re-read for over a year
# The commune the resident named ("mairie de Rezé"): its pages rise among close candidates, a
# page serving only other communes sinks (and is never the answer card, see ``other_commune``).
COMMUNE_BOOST = 0.15
COMMUNE_PENALTY = 0.3
SNIPPET_WORDS = 32
SNIPPET_SPAN = 220  # characters: a snippet shows the densest stretch of this length
SNIPPET_SCAN = 8_000  # characters of a body searched for a snippet

# Logistic calibration of P(first result is right), fitted with bench/answers_calibrate.py on
# the Nantes dev set and 62 questions the Nantes demo cannot answer (eval/no_answer_dev.jsonl,
# "carte grise" among them), on the demo index. Features: relative margin of the first two
# scores, share of the question's subjects (a lexicon term counts whole) in the first result's
# title/question, log first score, IDF-weighted share of the question held by the first
# result's beginning. On these 240 questions, the answer cards shown go from 155 right and 27
# wrong (previous fit, made with the Service-Public corpus indexed too) to 152 right and 6 wrong;
# refit when a corpus is imported (observed rate within ±0.11 of predicted in the full bands).
# The fifth feature, the share of the question's information carried by words the site does not
# know (``unknown_words``), was added later with its weight alone fitted, the four others kept
# (``answers_calibrate.py nantes_dev.jsonl no_answer_dev.jsonl --last-only``, demo index, 279
# questions): "how do I apply for a US visa" no longer gets the attestation d'accueil's card.
CALIBRATION = (-9.25, 4.24, 6.13, 1.05, 2.69, -4.14)


def query_stems(meaning: Understanding) -> set[str]:
    return meaning.stems


def rank(
    meaning: Understanding, *, vocab: index.Vocabulary, limit: int
) -> list[tuple[SearchDocument, float]]:
    """Candidates from the database's full-text index, re-ranked on word positions, the
    audience the resident named and freshness.

    The words that say who the resident is ("étudiant", "mon entreprise") still retrieve, with
    the lexicon's lower weight (a text written for students is a good candidate), but are not
    asked of the candidates' beginnings: they are context, not topic.
    """
    weights: dict[str, float] = {}
    for term in meaning.expansion_stems:
        weights[term] = EXPANSION_WEIGHT
    for term in meaning.topic_stems:
        weights[term] = 1.0
    hits = index.search(weights, limit=limit)
    docs = documents_load([pk for pk, _ in hits])
    ranked = [(docs[pk], score) for pk, score in hits if pk in docs]
    now = meaning.now or timezone.now()
    ranked = rerank(
        ranked,
        meaning.topic_stems,
        audiences=set(meaning.audiences),
        today=timezone.localdate(now),
    )
    ranked = kinds.weigh(ranked, kinds.kinds_of(meaning.text, normalised=True), depth=RERANK_DEPTH)
    return commune_weigh(ranked, set(meaning.communes), home=meaning.home_commune)


def communes_of(doc: SearchDocument) -> set[str]:
    """The communes a document serves; empty for what is metropolitan (all of them)."""
    return set(_facet_values(doc, "commune"))


def other_commune(doc: SearchDocument, asked: set[str]) -> bool:
    """True when the document serves only communes other than the ones the question names."""
    served = communes_of(doc)
    return bool(asked and served and not served & asked)


def commune_weigh(
    ranked: list[tuple[SearchDocument, float]], asked: set[str], *, home: str = ""
) -> list[tuple[SearchDocument, float]]:
    """Favour the documents of the communes the question names, and lower those of others.

    A question that names no commune is about the site's own (``home``: on the metropolitan
    portal, the commune whose city runs it): another commune's pages are lowered, not
    boosted ones of its own.
    """
    within = asked or ({home} if home else set())
    if not ranked or not within:
        return ranked
    best = ranked[0][1]
    out = []
    for doc, score in ranked:
        if asked and communes_of(doc) & asked:
            score += best * COMMUNE_BOOST
        elif other_commune(doc, within):
            score -= best * COMMUNE_PENALTY
        out.append((doc, score))
    out.sort(key=lambda pair: -pair[1])
    return out


def documents_load(pks: list[int]) -> dict[int, SearchDocument]:
    """Candidates without their (long) body.

    Ranking needs the stems of a document's beginning, cached per document version
    (``heads_load``); the body's first characters come as ``doc.opening`` for titles of
    documents without one, and ``bodies_load`` fetches what snippets need, for the few results
    shown.
    """
    if not pks:
        return {}
    rows = SearchDocument.objects.defer("body").annotate(opening=Substr("body", 1, OPENING_CHARS))
    return rows.in_bulk(pks)


def bodies_load(pks: list[int]) -> dict[int, str]:
    """The part of each document's body that snippets look at."""
    rows = SearchDocument.objects.filter(pk__in=pks).annotate(scan=Substr("body", 1, SNIPPET_SCAN))
    return dict(rows.values_list("pk", "scan"))


def opening(doc: SearchDocument) -> str:
    """The body's first characters, whether the document was loaded with its body or not."""
    value = doc.__dict__.get("opening")
    return value if value is not None else doc.body[:OPENING_CHARS]


def fuse_semantic(
    ranked: list[tuple[SearchDocument, float]], query_vector: Any
) -> list[tuple[SearchDocument, float]]:
    """Fuse the lexical ranking with the optional semantic one (reciprocal rank fusion).

    The fused list keeps as many candidates as the lexical one had: only the documents the
    semantic side brings into it are loaded.
    """
    from parvis.answers import semantic

    semantic_ids = semantic.search_vector(query_vector, limit=SEMANTIC_DEPTH)
    if not semantic_ids:
        return ranked
    lexical_ids = [doc.pk for doc, _ in ranked]
    fused = semantic.fuse(lexical_ids, semantic_ids)
    order = sorted(fused, key=lambda pk: -fused[pk])[: max(len(ranked), SEMANTIC_DEPTH)]
    docs = {doc.pk: doc for doc, _ in ranked}
    docs.update(documents_load([pk for pk in order if pk not in docs]))
    return [(docs[pk], fused[pk]) for pk in order if pk in docs]


_HEADS: dict[tuple[int, object], list[str]] = {}
HEADS_CACHE = 5_000


def caches_clear() -> None:
    """Empty the per-process caches of document beginnings and word stems."""
    _HEADS.clear()
    word_stem.cache_clear()


def heads_load(docs: list[SearchDocument]) -> None:
    """Compute the beginnings of documents not in the cache yet, their text in one query."""
    missing = {doc.pk: doc for doc in docs if (doc.pk, doc.updated_at) not in _HEADS}
    if not missing:
        return
    if len(_HEADS) + len(missing) > HEADS_CACHE:
        _HEADS.clear()
    rows = SearchDocument.objects.filter(pk__in=list(missing))
    leads = dict(rows.annotate(lead=Substr("body", 1, LEAD_CHARS)).values_list("pk", "lead"))
    for pk, doc in missing.items():
        head = f"{doc.title}\n{doc.wordings}\n{doc.short_answer}\n{leads.get(pk) or ''}"
        _HEADS[(pk, doc.updated_at)] = [word_stem(m.group()) for m in _WORD.finditer(head)]


def _positions(doc: SearchDocument) -> list[str]:
    """Stems of a document's beginning (title, wordings, short answer, lead), in order."""
    stems_ = _HEADS.get((doc.pk, doc.updated_at))
    if stems_ is None:
        heads_load([doc])
        stems_ = _HEADS[(doc.pk, doc.updated_at)]
    return stems_


def subject_stems(doc: SearchDocument) -> set[str]:
    """Stems of what a document is about: its title and the questions it answers, or, for a
    document without a title, its beginning."""
    if not doc.title:
        return set(_positions(doc)[:LEAD_WORDS])
    return set(stems(f"{doc.title} {doc.wordings}"))


def rerank(
    ranked: list[tuple[SearchDocument, float]],
    asked: list[str],
    *,
    audiences: set[str] | None = None,
    today: dt.date | None = None,
) -> list[tuple[SearchDocument, float]]:
    """Boost candidates whose beginning holds the question's words, and its word pairs nearby;
    then weigh in the audience named and freshness (``today``; None leaves dates out).

    An answer states its subject first (title, question, lead), and a question's neighbouring
    words ("carte" "identité") stay neighbours in the text that answers it. The boosts are a
    share of the best lexical score, so they only reorder close candidates.
    """
    if not ranked:
        return ranked
    best = ranked[0][1]
    unique = set(asked)
    pairs = list(zip(asked, asked[1:], strict=False))
    if unique:
        heads_load([doc for doc, _ in ranked[:RERANK_DEPTH]])
    out = []
    for position, (doc, score) in enumerate(ranked):
        if position >= RERANK_DEPTH:
            out.append((doc, score))
            continue
        if unique:
            score += best * _text_boost(doc, unique, pairs)
        out.append((doc, _signals(doc, score, best=best, audiences=audiences, today=today)))
    out.sort(key=lambda pair: -pair[1])
    return out


def _text_boost(doc: SearchDocument, unique: set[str], pairs: list[tuple[str, str]]) -> float:
    seq = _positions(doc)
    lead = set(seq[:LEAD_WORDS])
    coverage = sum(1 for t in unique if t in lead) / len(unique)
    where: dict[str, list[int]] = {}
    for i, term in enumerate(seq):
        if term in unique:
            where.setdefault(term, []).append(i)
    near = sum(
        1
        for a, b in pairs
        if any(abs(i - j) <= 3 for i in where.get(a, [])[:50] for j in where.get(b, [])[:50])
    )
    proximity = near / len(pairs) if pairs else 0.0
    return LEAD_BOOST * coverage + PROXIMITY_BOOST * proximity


def news_freshness(published_on: dt.date, today: dt.date) -> float:
    """1.0 for an Actualité of today (or dated ahead), halving every ``NEWS_HALF_LIFE_DAYS``."""
    age = max(0, (today - published_on).days)
    return 0.5 ** (age / NEWS_HALF_LIFE_DAYS)


def _signals(
    doc: SearchDocument,
    score: float,
    *,
    best: float,
    audiences: set[str] | None,
    today: dt.date | None,
) -> float:
    """The score once the audience named and the document's dates are weighed in.

    Imported documents carry neither audiences nor dates: their score is left as it is.
    """
    if today is not None and doc.published_on is not None:
        fresh = news_freshness(doc.published_on, today)
        score *= NEWS_FLOOR + (1 + NEWS_BOOST - NEWS_FLOOR) * fresh
    if today is not None and doc.review_due is not None and today > doc.review_due:
        score -= best * REVIEW_PENALTY
    if audiences and audiences.intersection(_facet_values(doc, "audience")):
        score += best * AUDIENCE_BOOST
    return score


def question_units(meaning: Understanding) -> list[tuple[set[str], set[str]]]:
    """The question's subjects as (stems, stems of what the lexicon says they mean).

    A term of the citizen lexicon ("carte grise", "cni") is one subject, whole: a page titled
    "carte de stationnement" is not about a "carte grise". Other content words stand alone.
    """
    asked = set(meaning.topic_stems)
    padded = f" {meaning.searched or meaning.text} "
    units: list[tuple[set[str], set[str]]] = []
    taken: set[str] = set()
    for term, expansion in lexicon().items():
        if f" {term} " in padded:
            words = {stem(w) for w in term.split()} & asked
            if words and not words <= taken:
                units.append((words, set(stems(expansion))))
                taken |= words
    units.extend(({s}, set()) for s in sorted(asked - taken))
    return units


def _holds(head: set[str], meant: set[str]) -> bool:
    """The title holds at least half of what a lexicon term means ("cni" -> "carte identité")."""
    return bool(meant) and 2 * len(meant & head) >= len(meant)


def confidence_features(
    scores: list[float], meaning: Understanding, top: SearchDocument
) -> list[float]:
    """Relative margin of the first two scores, share of the question's subjects (see
    ``question_units``) in the first result's title/question fields, log of the first score,
    the share of the question's information (IDF-weighted) that the first result's beginning
    holds, and the share of it carried by words the site does not know (``unknown_words``).

    The last one tells a question the site cannot answer ("quelle est la couleur du ciel")
    from one it can: a single stray word matched gives a large margin but a small share.
    """
    margin = (scores[0] - scores[1]) / scores[0] if len(scores) > 1 and scores[0] > 0 else 1.0
    asked = set(meaning.topic_stems)
    head = set(stems(f"{top.title} {top.wordings}"))
    units = question_units(meaning)
    covered = sum(1 for words, meant in units if words <= head or _holds(head, meant))
    coverage = covered / len(units) if units else 0.0
    vocab = index.vocabulary()
    information = sum(vocab.idf(t) for t in asked)
    beginning = set(_positions(top))
    found = sum(vocab.idf(t) for t in asked if t in beginning)
    share = found / information if information > 0 else 0.0
    strange = sum(vocab.idf(stem(w)) for w in unknown_words(meaning, vocab))
    unknown = min(1.0, strange / information) if information > 0 else 0.0
    return [max(0.0, min(1.0, margin)), coverage, math.log1p(max(scores[0], 0.0)), share, unknown]


def unknown_words(meaning: Understanding, vocab: index.Vocabulary) -> set[str]:
    """The question's topic words that nothing on the site speaks of: the index holds no
    word of their stem, and neither the citizen lexicon, the acronyms the documents define nor
    the thesaurus gives the site's words for them ("visa" is known, "apply" is not).

    A question that is half made of such words is, half, about something else than what the
    first result answers, however well that result matches the other half.
    """
    from parvis.answers import lexicon as everyday

    strangers = [w for w in meaning.words if not w.isdigit() and not vocab.stems.get(stem(w))]
    if not strangers:  # the usual case: every word is in the index, nothing more to build
        return set()
    bridged = {w for term in lexicon() for w in term.split()} | set(everyday.acronyms())
    return {w for w in strangers if w not in bridged and not everyday.synonyms(w, vocab)}


def confidence(
    scores: list[float], meaning: Understanding, top: SearchDocument | None
) -> tuple[float, float]:
    """(calibrated probability that the first result is right, raw relative margin)."""
    if not scores or top is None or scores[0] <= 0:
        return 0.0, 0.0
    x = confidence_features(scores, meaning, top)
    a, *w = CALIBRATION
    z = a + sum(c * v for c, v in zip(w, x, strict=True))
    return 1 / (1 + math.exp(-z)), x[0]


def fused_confidence(
    top: SearchDocument, lexical: list[tuple[SearchDocument, float]], meaning: Understanding
) -> tuple[float, float]:
    """The calibrated confidence of a first result that fusion brought up, computed as for the
    lexical first result: its own lexical score against the best other one (a margin of 0 when
    another scored higher), the share of the question in its title and beginning. Not among
    the lexical candidates at all: 0 (the calibration is fitted on lexical scores)."""
    own = next((score for doc, score in lexical if doc.pk == top.pk), 0.0)
    other = next((score for doc, score in lexical if doc.pk != top.pk), None)
    return confidence([own] if other is None else [own, other], meaning, top)


def fallback_title(doc: SearchDocument) -> str:
    text = doc.short_answer or opening(doc)
    return (text[:90].rsplit(" ", 1)[0] + " …") if len(text) > 90 else text


_WORD = re.compile(r"\w+", re.UNICODE)


@functools.lru_cache(maxsize=100_000)
def word_stem(word: str) -> str:
    """The stem of one surface word (cached: snippets look at thousands of words)."""
    return stem(normalise(word))


def _letter_folding() -> dict[int, str]:
    """Each letter written with an accent or in upper case → its accentless lower-case letter
    (one character for one, so that offsets in the folded text are offsets in the text)."""
    table: dict[int, str] = {}
    for code in range(0x41, 0x250):
        char = chr(code)
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
        if len(base) == 1 and base.isalnum() and base != char:
            table[code] = base
    return table


_FOLDING = _letter_folding()


def _byte_folding() -> bytes:
    """``bytes.translate`` table of the Latin-1 text: letters folded to ASCII where they fold
    to it, other letters to ``_`` (still part of a word), other characters as they are."""
    out = bytearray(range(256))
    for code in range(0x41, 256):
        char = chr(code)
        folded = _FOLDING.get(code, char)
        if folded.isascii():
            out[code] = ord(folded)
        elif char.isalnum():
            out[code] = ord("_")
        else:
            out[code] = ord(" ")
    return bytes(out)


_BYTE_FOLDING = _byte_folding()


def _fold_beyond_latin1(error: UnicodeError) -> tuple[str, int]:
    """Characters outside Latin-1, one byte each: folded to ASCII, else ``_`` for a letter
    (part of a word, as ``\\w`` says) and a space for anything else ("’", "…")."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chars = []
    for char in error.object[error.start : error.end]:
        folded = _FOLDING.get(ord(char), "")
        chars.append(folded if folded.isascii() and folded else "_" if char.isalnum() else " ")
    return "".join(chars), error.end


codecs.register_error("parvis-fold", _fold_beyond_latin1)
_WORD_REST = re.compile(rb"\w*")
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def folded_bytes(text: str) -> bytes:
    """The text one byte a character, case and accents folded: offsets are the text's."""
    return text.encode("latin-1", errors="parvis-fold").translate(_BYTE_FOLDING)


def term_offsets(text: str, terms: set[str]) -> list[int]:
    """Where the words whose stem is one of ``terms`` start in ``text``.

    The text is folded one byte a character (case and accents out, ``folded_bytes``), the
    words beginning like a stem are found by plain substring search (in C), and only those
    few words are stemmed to confirm.
    """
    terms = {t for t in terms if t}
    if not terms or not text:
        return []
    folded = folded_bytes(text)
    found: set[int] = set()
    for term in terms:
        needle = term.encode("ascii", errors="ignore")
        if len(needle) != len(term) or not needle:  # a stem outside ASCII: compared as text
            found.update(_offsets_unicode(text, term, terms))
            continue
        at = folded.find(needle)
        while at >= 0:
            if at == 0 or folded[at - 1] not in _WORD_BYTES:
                end = _WORD_REST.match(folded, at + len(needle)).end()
                if word_stem(text[at:end]) in terms:
                    found.add(at)
                at = end
            else:
                at += 1
            at = folded.find(needle, at)
    return sorted(found)


def _offsets_unicode(text: str, term: str, terms: set[str]) -> list[int]:
    folded = text.translate(_FOLDING)
    return [
        m.start()
        for m in re.finditer(rf"\b{re.escape(term)}\w*", folded)
        if word_stem(text[m.start() : m.end()]) in terms
    ]


_WORDS_FROM = re.compile(rf"\w+(?:\W+\w+){{0,{SNIPPET_WORDS - 1}}}")


def snippet(doc: SearchDocument, terms: set[str], body: str | None = None) -> str:
    """The passage of the short answer or body with the most of the question's words.

    ``body`` is given when the document was loaded without it (``documents_load``).
    """
    best = doc.short_answer or ""
    best_hits = len(term_offsets(best, terms))
    text = (doc.body if body is None else body)[:SNIPPET_SCAN]
    hits = term_offsets(text, terms)
    top, top_at, first = 0, 0, 0
    for last, offset in enumerate(hits):
        while offset - hits[first] > SNIPPET_SPAN:
            first += 1
        if last - first + 1 > top:
            top, top_at = last - first + 1, hits[first]
    if (top > best_hits or not best) and text.strip():
        match = _WORDS_FROM.search(text, top_at)
        if match is not None:
            start, end = match.start(), match.end()
            passage = text[start:end].replace("\n", " ")
            best = ("… " if start else "") + passage + (" …" if end < len(text) else "")
    return best[:400]


FACETS = ("type", "theme", "audience", "quartier", "commune")


def _facet_values(doc: SearchDocument, name: str) -> list[str]:
    if name == "type":
        return [doc.kind]
    value = (doc.facets or {}).get(name, [])
    return value if isinstance(value, list) else [value]


def facet_counts(docs: list[SearchDocument]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for name in FACETS:
        counter: Counter[str] = Counter()
        for doc in docs:
            counter.update(v for v in _facet_values(doc, name) if v)
        if counter:
            counts[name] = dict(counter.most_common())
    return counts


def facet_match(doc: SearchDocument, filters: dict[str, str]) -> bool:
    return all(
        value in _facet_values(doc, name) for name, value in filters.items() if name in FACETS
    )


def place_answer(
    meaning: Understanding,
    at: dt.datetime,
    ranked: list[tuple[SearchDocument, float]],
) -> tuple[Any, float] | None:
    """A structured answer for "piscine ouverte dimanche" or "mairie de Rezé horaires": the
    places of that kind (in the commune named, if one is), open or not, with its confidence.

    The confidence is computed, never assumed: the places of the kind count as one answer, so
    it is the calibrated confidence of the best-ranked of them against the best other
    candidate. When the question names a commune, only that commune's places are shown; none
    there, no place card (another commune's town hall is not the answer). Naming none, it is
    about the site's own commune: its places and the Métropole's.
    """
    from parvis.answers.selectors import AnswerCard, place_status
    from parvis.content.models import Commune, LieuKind, LieuPage, Quartier

    if meaning.place_kind is None:
        return None
    quartier = next((q for q in Quartier.objects.all() if quartier_named(q.name, meaning)), None)
    communes = list(Commune.objects.filter(slug__in=meaning.communes))
    named = {w for c in communes for w in normalise(c.name).split()}
    naming = {w for phrase in meaning.place_words for w in phrase.split()}
    other = [w for w in meaning.words if w not in _PLACE_CONTEXT | named | naming]
    if not meaning.asks_hours and quartier is None and not communes and other:
        return None
    lieux = (
        LieuPage.objects.live()
        .public()
        .filter(kind=meaning.place_kind)
        .order_by("title")
        .prefetch_related("opening_rules", "opening_exceptions")
    )
    if communes:
        lieux = lieux.filter(commune__in=communes)
    elif meaning.home_commune:  # naming none: the site's commune (and places serving all)
        lieux = lieux.filter(Q(commune__isnull=True) | Q(commune__slug=meaning.home_commune))
    if quartier is not None:  # none of the kind there: no card listing other quartiers' places
        lieux = lieux.filter(quartier=quartier)
    lieux = list(lieux[:20])
    if not lieux:
        return None
    keys = {f"lieu:{lieu.slug}" for lieu in lieux}
    if not any(doc.key in keys for doc, _score in ranked):
        return None
    # The places of the kind and the pages about that kind of place ("Où est la déchèterie la
    # plus proche ?") give the same answer: together they face the question's other subjects.
    kind_stems = [set(stems(phrase, normalised=True)) for phrase in meaning.place_words]
    agreeing, others = [], []
    for doc, score in ranked:
        subject = subject_stems(doc)
        agrees = doc.key in keys or any(k and k <= subject for k in kind_stems)
        (agreeing if agrees else others).append((doc, score))
    scores = [agreeing[0][1], *(score for _doc, score in others[:1])]
    # Where and when ("ouverte maintenant près de Chantenay") are what the card answers with
    # the places' status: the confidence is about what is asked for, the kind of place.
    where_when = _PLACE_CONTEXT | OPEN_WORDS | (_quartier_words(quartier) if quartier else set())
    topic = [w for w in meaning.words if w in naming or w not in where_when]
    confidence_value, _margin = confidence(
        scores,
        dataclasses.replace(meaning, words=topic, topic_stems=[stem(w) for w in topic]),
        agreeing[0][0],
    )
    statuses = [place_status(lieu, at) for lieu in lieux]
    statuses.sort(key=lambda s: not s.is_open)
    open_count = sum(s.is_open for s in statuses)
    label = LieuKind(meaning.place_kind).label
    if quartier:
        where = _(" à %(quartier)s") % {"quartier": quartier.name}
    elif len(communes) == 1:
        where = _(" de %(commune)s") % {"commune": communes[0].name}
    else:
        where = ""
    summary = _("%(open)d sur %(total)d ouvert(s) à ce moment-là.") % {
        "open": open_count,
        "total": len(statuses),
    }
    card = AnswerCard(
        id=f"lieux:{meaning.place_kind}",
        url=statuses[0].url,
        title=f"{label}{where}",
        type="lieux",
        short_answer=summary,
        places=statuses,
    )
    return card, confidence_value


def _quartier_words(quartier: Any) -> set[str]:
    return set(normalise(quartier.name).split())


def quartier_named(name: str, meaning: Understanding) -> bool:
    """The question names the quartier: its whole name, or one of the places its name joins
    ("Chantenay" for "Bellevue – Chantenay – Sainte-Anne")."""
    padded = f" {meaning.searched or meaning.text} "
    parts = [name, *re.split(r"\s[–—-]\s", name)]
    return any(f" {normalise(part)} " in padded for part in parts if normalise(part))


# Words around a kind of place that ask where it is, not something else about it (the words
# that name the kind are the editors' data: ``ParsedQuery.place_words``).
_PLACE_CONTEXT = {"pres", "proche", "quartier", "ou", "trouver", "adresse", "la", "plus"}
