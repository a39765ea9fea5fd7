"""Measuring answer quality: hit@1, hit@3, MRR@10 and latency, engine vs. database baseline."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from parvis.answers import index
from parvis.answers.models import SearchDocument
from parvis.answers.selectors import answer_query


@dataclass
class Question:
    question: str
    expected: list[str]


def questions_parse(lines: Iterable[str]) -> tuple[list[Question], list[tuple[int, str]]]:
    """Questions from JSON lines; bad lines come back as (line number, reason)."""
    questions, errors = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append((number, f"JSON invalide ({exc.msg})"))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("question"), str):
            errors.append((number, "champ « question » manquant"))
            continue
        expected = data.get("expected")
        if not isinstance(expected, list) or not all(isinstance(e, str) for e in expected):
            errors.append((number, "champ « expected » : une liste d'identifiants est attendue"))
            continue
        questions.append(Question(data["question"], expected))
    return questions, errors


def _caches_clear() -> None:
    """Forget what earlier questions left in per-process caches, so that each column starts
    alike (the vocabulary, lexicon and model stay loaded)."""
    from parvis.answers import ranking, semantic

    ranking.caches_clear()
    semantic.query_vector.cache_clear()


def _measure(questions: list[Question], ranker: Callable[[str], list[str]]) -> dict[str, float]:
    _caches_clear()
    hit1 = hit3 = rr = 0.0
    latencies = []
    for q in questions:
        start = time.perf_counter()
        ids = ranker(q.question)[:10]
        latencies.append((time.perf_counter() - start) * 1000)
        rank = next((i for i, key in enumerate(ids) if key in q.expected), None)
        if rank is not None:
            hit1 += rank == 0
            hit3 += rank < 3
            rr += 1 / (rank + 1)
    n = len(questions) or 1
    latencies.sort()
    return {
        "hit@1": round(hit1 / n, 3),
        "hit@3": round(hit3 / n, 3),
        "mrr@10": round(rr / n, 3),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else 0.0,
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else 0.0,
    }


def _card_right(card: object, expected: list[str]) -> bool:
    """The answer card is one of the expected documents, or a place card listing one."""
    if card.id in expected:  # type: ignore[attr-defined]
        return True
    urls = set(SearchDocument.objects.filter(key__in=expected).values_list("url", flat=True))
    return any(place.url in urls for place in card.places)  # type: ignore[attr-defined]


def cards_measure(questions: list[Question]) -> dict[str, int]:
    """How many answer cards the engine shows, and how many of them are right: a card on a
    question without an expected answer (off-topic, another commune) is wrong."""
    shown = right = 0
    for q in questions:
        card = answer_query(query=q.question, limit=10).answer
        if card is None:
            continue
        shown += 1
        right += bool(q.expected) and _card_right(card, q.expected)
    return {"shown": shown, "right": right, "wrong": shown - right}


def engine_ids(question: str) -> list[str]:
    return [item.id for item in answer_query(query=question, limit=10).results]


def lexical_ids(question: str) -> list[str]:
    results = answer_query(query=question, limit=10, semantic_search=False).results
    return [item.id for item in results]


def baseline_ids(question: str) -> list[str]:
    hits = index.search_plain(question, limit=10)
    keys = SearchDocument.objects.in_bulk([pk for pk, _ in hits])
    return [keys[pk].key for pk, _ in hits if pk in keys]


def evaluate(questions: list[Question]) -> dict[str, object]:
    """Figures for the engine and the baseline, on the configured database."""
    from django.db import connection

    from parvis.answers import semantic

    if questions:  # warm the caches (vocabulary, lexicon, stemmer, model) outside the timings
        engine_ids(questions[0].question)
        baseline_ids(questions[0].question)
    figures: dict[str, object] = {
        "questions": len(questions),
        "database": connection.vendor,
        "semantic": semantic.enabled(),
        "engine": _measure(questions, engine_ids),
        "baseline": _measure(questions, baseline_ids),
    }
    if semantic.enabled():  # the lexical engine alone, measured in the same run
        figures["lexical"] = _measure(questions, lexical_ids)
    figures["cards"] = cards_measure(questions)
    return figures
