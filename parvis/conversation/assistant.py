"""The assistant's decision: answer, ask one clarifying question, or hand over to a human.

Pure reads over the answer engine's contract (``answer_query``); no writes, so the evaluation
command measures exactly what residents get.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from parvis.answers.selectors import AnswerResponse, ResultItem, answer_query
from parvis.conversation.calibration import (
    Calibration,
    calibration_load,
    features_of,
    result_key,
)

# Two candidates closer than this (relative margin) and on different pages: ask which one.
CLOSE_RELATIVE_MARGIN = 0.15
# ...but only if the pair, taken as one answer, would be trusted: its lead over the third.
CLARIFY_MIN_PROBABILITY = 0.5

_HUMAN = re.compile(
    r"\b(parler a (quelqu ?un|une? (personne|humain|agent|conseill\w*))|(un|une|des) humains?"
    r"|(un|une|des) agents?|conseill(er|ere)s?|une vraie personne|quelqu ?un de la mairie"
    r"|talk to (a |an )?(human|person|someone|agent)|speak to (a |an )?(human|person|someone))\b"
)
_HUMAN_ALONE = {"agent", "humain", "human", "conseiller", "conseillere", "operateur"}


def fold(text: str) -> str:
    """Lowercase, strip accents and punctuation: the form used to compare wordings."""
    for _round in range(2):  # case-folding can reveal characters to decompose, and back
        text = unicodedata.normalize("NFKD", text).casefold()
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def asks_for_human(text: str) -> bool:
    """True for "je veux parler à quelqu'un", "un humain", "un agent", "conseiller"…"""
    folded = fold(text)
    return folded in _HUMAN_ALONE or bool(_HUMAN.search(folded))


@dataclass(frozen=True)
class Decision:
    kind: Literal["answer", "clarify", "handoff"]
    response: AnswerResponse
    probability: float
    features: list[float] = field(default_factory=list)
    candidates: list[ResultItem] = field(default_factory=list)
    clarifying_question: str = ""

    @property
    def top(self) -> ResultItem | None:
        return self.response.results[0] if self.response.results else None


def _distinct_top_two(results: list[ResultItem]) -> list[ResultItem]:
    if not results:
        return []
    first = results[0]
    for item in results[1:]:
        if result_key(item) != result_key(first):
            return [first, item]
    return [first]


def _pair_probability(
    response: AnswerResponse, pair: list[ResultItem], calibration: Calibration
) -> float:
    """How sure we would be if the two close candidates were a single answer."""
    rest = [r for r in response.results if r is not pair[1]]
    merged = AnswerResponse(response.query, None, response.confidence, rest)
    return calibration.probability(features_of(merged))


_DETERMINERS = {"un", "une", "le", "la", "les", "des", "du", "l", "d", "son", "sa", "ses", "mon"}


def clarifying_question(first: str, second: str) -> str:
    """ "Carte d'identité pour un adulte ou un mineur ?" from two close titles."""
    a, b = first.rstrip(" ?").split(), second.rstrip(" ?").split()
    common = 0
    while common < min(len(a), len(b)) and fold(a[common]) == fold(b[common]):
        common += 1
    # A determiner belongs to what differs: "pour | un adulte ou un mineur".
    while common and fold(a[common - 1]) in _DETERMINERS:
        common -= 1
    rest_a, rest_b = " ".join(a[common:]), " ".join(b[common:])
    if common and rest_a and rest_b and len(a) - common <= 6 and len(b) - common <= 6:
        return f"{' '.join(a[:common]).rstrip(' :,-–')} {rest_a} ou {rest_b} ?"
    return f"« {first.rstrip(' ?')} » ou « {second.rstrip(' ?')} » ?"


def assistant_decide(
    *, text: str, calibration: Calibration | None = None, allow_clarify: bool = True
) -> Decision:
    """Ask the engine, then decide from a calibrated probability, never from the raw score."""
    response = answer_query(query=text, limit=10)
    return decide(response, calibration or calibration_load(), allow_clarify=allow_clarify)


def decide(
    response: AnswerResponse, calibration: Calibration, *, allow_clarify: bool = True
) -> Decision:
    """The decision for an engine response (pure: the evaluation replays it)."""
    features = features_of(response)
    if not response.results:
        return Decision("handoff", response, 0.0, features)
    probability = calibration.probability(features)
    if probability >= calibration.threshold:
        return Decision("answer", response, probability, features, response.results[:1])
    pair = _distinct_top_two(response.results)
    close = len(pair) == 2 and features[2] < CLOSE_RELATIVE_MARGIN
    if (
        allow_clarify
        and close
        and _pair_probability(response, pair, calibration) >= (CLARIFY_MIN_PROBABILITY)
    ):
        question = clarifying_question(pair[0].title, pair[1].title)
        return Decision("clarify", response, probability, features, pair, question)
    return Decision("handoff", response, probability, features, response.results[:1])


def choose_candidate(text: str, candidates: list[dict]) -> dict | None:
    """Which of the offered candidates a typed reply points to, if clearly one."""
    words = set(fold(text).split())
    scores = []
    for candidate in candidates:
        title_words = set(fold(candidate["title"]).split())
        others = set().union(
            *(set(fold(c["title"]).split()) for c in candidates if c is not candidate)
        )
        scores.append(len(words & (title_words - others)))
    best = max(scores, default=0)
    if best == 0 or scores.count(best) > 1:
        return None
    return candidates[scores.index(best)]
