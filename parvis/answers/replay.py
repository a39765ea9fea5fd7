"""Measuring learning from use by replay: would approved wordings have answered new questions?

The questions of an evaluation set are split into folds. For each fold, the questions of the
other folds are replayed as if an agent had answered each with its expected page and an editor
had approved the wording; the held-out fold is then asked, and its figures are compared with
the engine that learned nothing. Everything a fold writes is rolled back before the next, so
the database is left as it was. The same questions asked again once every wording is learned
show what approvals give recurring questions (an upper bound, not generalisation). Off-topic
questions (no expected answer) are asked with every wording learned: learning must not make
the engine confidently answer what the site cannot.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from parvis.answers import index
from parvis.answers.evaluation import Question, cards_measure, engine_ids
from parvis.answers.learning import phrasing_propose
from parvis.answers.models import LearnedPhrasing, SearchDocument


@dataclass
class Tally:
    questions: int = 0
    hit1: int = 0
    hit3: int = 0
    rr: float = 0.0
    cards: dict[str, int] = field(default_factory=lambda: {"shown": 0, "right": 0, "wrong": 0})

    def add(self, questions: list[Question], ranker: Callable[[str], list[str]]) -> None:
        for q in questions:
            ids = ranker(q.question)[:10]
            rank = next((i for i, key in enumerate(ids) if key in q.expected), None)
            self.questions += 1
            if rank is not None:
                self.hit1 += rank == 0
                self.hit3 += rank < 3
                self.rr += 1 / (rank + 1)
        for key, value in cards_measure(questions).items():
            self.cards[key] += value

    def figures(self) -> dict[str, object]:
        n = self.questions or 1
        return {
            "hit@1": round(self.hit1 / n, 3),
            "hit@3": round(self.hit3 / n, 3),
            "mrr@10": round(self.rr / n, 3),
            "cards": dict(self.cards),
        }


def _caches_clear() -> None:
    from parvis.answers import ranking

    index.vocabulary_invalidate()
    ranking.caches_clear()


def _learn(questions: list[Question]) -> int:
    """Approve each question's wording for its first expected document; returns how many."""
    keys = set()
    for q in questions:
        phrasing = phrasing_propose(
            text=q.question, document_key=q.expected[0], source=LearnedPhrasing.Source.AGENT
        )
        if phrasing is not None and phrasing.status != LearnedPhrasing.Status.APPROVED:
            phrasing.status = LearnedPhrasing.Status.APPROVED
            phrasing.save(update_fields=["status"])
            keys.add(phrasing.document_key)
    index.rows_write(SearchDocument.objects.filter(key__in=keys))
    _caches_clear()
    return len(keys)


def replay(
    questions: list[Question],
    *,
    folds: int = 5,
    seed: int = 0,
    off_topic: list[Question] | None = None,
) -> dict[str, object]:
    """Figures of the engine without learning and with the other folds' wordings learned."""
    known = set(SearchDocument.objects.values_list("key", flat=True))
    answerable = [q for q in questions if q.expected and q.expected[0] in known]
    order = answerable[:]
    random.Random(seed).shuffle(order)
    parts = [order[k::folds] for k in range(folds)]

    _caches_clear()
    before, after = Tally(), Tally()
    before.add(order, engine_ids)
    learned_docs = 0
    for k, held_out in enumerate(parts):
        training = [q for j, part in enumerate(parts) if j != k for q in part]
        with transaction.atomic():
            learned_docs += _learn(training)
            after.add(held_out, engine_ids)
            transaction.set_rollback(True)
        _caches_clear()

    figures: dict[str, object] = {
        "questions": len(order),
        "folds": folds,
        "documents_learned_per_fold": round(learned_docs / max(folds, 1), 1),
        "without_learning": before.figures(),
        "with_learning": after.figures(),
    }
    # The same questions asked again once every wording is learned: residents ask the same
    # things often, and this is what an approval gives them (not a measure of generalisation).
    again = Tally()
    plain = cards_measure(off_topic) if off_topic else None
    with transaction.atomic():
        _learn(order)
        again.add(order, engine_ids)
        learned = cards_measure(off_topic) if off_topic else None
        transaction.set_rollback(True)
    _caches_clear()
    figures["asked_again"] = again.figures()
    if off_topic:
        figures["off_topic"] = {
            "questions": len(off_topic),
            "without_learning": plain,
            "with_learning": learned,
        }
    return figures
