"""Ranking helpers behind ``answer_query``: retrieval call, confidence, snippets, facets, places."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

from parvis.answers import index
from parvis.answers.models import SearchDocument
from parvis.answers.query import Understanding
from parvis.answers.text import normalise, stem, stems

EXPANSION_WEIGHT = 0.6
SNIPPET_WORDS = 32

# Logistic calibration of P(first result is right) — fitted on questions with known answers
# (see bench/answers_calibrate.py); features: relative margin, share of the question's words
# in the first result's title/question fields, log of the first score.
CALIBRATION = (-2.2, 5.0, 1.6, 0.45)


def query_stems(meaning: Understanding) -> set[str]:
    return {stem(w) for w in [*meaning.words, *meaning.expanded]}


def rank(meaning: Understanding, *, vocab: index.Vocabulary, limit: int) -> list[tuple[int, float]]:
    weights: dict[str, float] = {}
    for word in meaning.expanded:
        weights[stem(word)] = EXPANSION_WEIGHT
    for word in meaning.words:
        weights[stem(word)] = 1.0
    return index.search(weights, limit=limit)


def confidence(
    scores: list[float], meaning: Understanding, top: SearchDocument | None
) -> tuple[float, float]:
    """(calibrated probability that the first result is right, raw relative margin)."""
    if not scores or top is None or scores[0] <= 0:
        return 0.0, 0.0
    margin = (scores[0] - scores[1]) / scores[0] if len(scores) > 1 else 1.0
    asked = {stem(w) for w in meaning.words}
    head = set(stems(f"{top.title} {top.alternatives}"))
    coverage = len(asked & head) / len(asked) if asked else 0.0
    a, b, c, d = CALIBRATION
    z = a + b * margin + c * coverage + d * math.log1p(scores[0])
    return 1 / (1 + math.exp(-z)), max(0.0, min(1.0, margin))


def fallback_title(doc: SearchDocument) -> str:
    lead = doc.short_answer or doc.body
    return (lead[:90].rsplit(" ", 1)[0] + " …") if len(lead) > 90 else lead


_WORD = re.compile(r"\w+", re.UNICODE)


@functools.lru_cache(maxsize=100_000)
def word_stem(word: str) -> str:
    """The stem of one surface word (cached: snippets look at thousands of words)."""
    return stem(normalise(word))


def snippet(doc: SearchDocument, terms: set[str]) -> str:
    """The passage of the short answer or body with the most of the question's words."""
    best = doc.short_answer or ""
    best_hits = _hits(best, terms)
    body = doc.body[:8_000]
    words = list(_WORD.finditer(body))
    if words:
        marks = [word_stem(m.group()) in terms for m in words]
        window = SNIPPET_WORDS
        running = sum(marks[:window])
        top, top_at = running, 0
        for i in range(window, len(words)):
            running += marks[i] - marks[i - window]
            if running > top:
                top, top_at = running, i - window + 1
        if top > best_hits or not best:
            start = words[top_at].start()
            end = words[min(top_at + window, len(words)) - 1].end()
            text = body[start:end].replace("\n", " ")
            best = ("… " if start else "") + text + (" …" if end < len(body) else "")
    return best[:400]


def _hits(text: str, terms: set[str]) -> int:
    return sum(1 for m in _WORD.finditer(text) if word_stem(m.group()) in terms)


FACETS = ("type", "theme", "audience", "quartier")


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


def place_answer(meaning: Understanding, at: dt.datetime) -> Any:
    """A structured answer for "piscine ouverte dimanche": the places of that kind, open or not."""
    from parvis.answers.selectors import AnswerCard, place_status
    from parvis.content.models import LieuKind, LieuPage, Quartier

    if meaning.place_kind is None:
        return None
    quartier = next(
        (q for q in Quartier.objects.all() if f" {normalise(q.name)} " in f" {meaning.text} "),
        None,
    )
    other = [w for w in meaning.words if normalise(w) not in _PLACE_CONTEXT]
    if not meaning.asks_hours and quartier is None and other:
        return None
    lieux = LieuPage.objects.live().public().filter(kind=meaning.place_kind).order_by("title")
    if quartier is not None and lieux.filter(quartier=quartier).exists():
        lieux = lieux.filter(quartier=quartier)
    statuses = [place_status(lieu, at) for lieu in lieux[:20]]
    if not statuses:
        return None
    statuses.sort(key=lambda s: not s.is_open)
    open_count = sum(s.is_open for s in statuses)
    label = LieuKind(meaning.place_kind).label
    where = _(" à %(quartier)s") % {"quartier": quartier.name} if quartier else ""
    summary = _("%(open)d sur %(total)d ouvert(s) à ce moment-là.") % {
        "open": open_count,
        "total": len(statuses),
    }
    return AnswerCard(
        id=f"lieux:{meaning.place_kind}",
        url=statuses[0].url,
        title=f"{label}{where}",
        type="lieux",
        short_answer=summary,
        places=statuses,
    )


_PLACE_CONTEXT = {"pres", "proche", "quartier", "ou", "trouver", "adresse", "la", "plus"}
_PLACE_CONTEXT |= {"piscine", "piscines", "mediatheque", "mediatheques", "bibliotheque"}
_PLACE_CONTEXT |= {"bibliotheques", "mairie", "mairies", "decheterie", "decheteries", "ccas"}
