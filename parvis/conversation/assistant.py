"""The assistant's decision: answer, ask one clarifying question, or hand over to a human.

Pure reads over the answer engine's contract (``answer_query``); no writes, so the evaluation
command measures exactly what residents get.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from django.utils.translation import gettext as _

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
        """What the assistant answers with (the engine's card), else the first result."""
        if self.kind == "answer" and self.candidates:
            return self.candidates[0]
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


def clarifying_question(first: ResultItem, second: ResultItem) -> str:
    """Why the assistant asks, and what: "Votre question peut concerner deux démarches :
    « Carte d'identité pour un adulte » ou « Carte d'identité pour un mineur ». Laquelle
    vous concerne ?" (in the active language; pages add French no-break spaces, nbsp_fr)."""
    titles = {"first": first.title.rstrip(" ?"), "second": second.title.rstrip(" ?")}
    if first.type == "fiche" and second.type == "fiche":
        text = _(
            "Votre question peut concerner deux démarches : « %(first)s » ou "
            "« %(second)s ». Laquelle vous concerne ?"
        )
    elif first.type == "lieu" and second.type == "lieu":
        text = _(
            "Votre question peut concerner deux lieux : « %(first)s » ou "
            "« %(second)s ». Lequel cherchez-vous ?"
        )
    else:
        text = _(
            "Votre question peut concerner deux pages : « %(first)s » ou "
            "« %(second)s ». Laquelle cherchez-vous ?"
        )
    return text % titles


def card_item(response: AnswerResponse) -> ResultItem | None:
    """The engine's answer card as the item the assistant answers with: the same page (or
    places) the search page shows first, never another result's snippet."""
    card = response.answer
    if card is None:
        return None
    result = next((r for r in response.results if r.id == card.id), None)
    return ResultItem(
        id=card.id,
        url=card.url,
        title=card.title,
        type=card.type,
        score=result.score if result else 0.0,
        snippet=card.short_answer,
        page_id=result.page_id if result else None,
        source=card.source,
        licence=card.licence,
    )


def assistant_decide(
    *, text: str, calibration: Calibration | None = None, allow_clarify: bool = True
) -> Decision:
    """Ask the engine, then decide from a calibrated probability, never from the raw score."""
    response = answer_query(query=text, limit=10)
    return decide(response, calibration or calibration_load(), allow_clarify=allow_clarify)


def decide(
    response: AnswerResponse, calibration: Calibration, *, allow_clarify: bool = True
) -> Decision:
    """The decision for an engine response (pure: the evaluation replays it).

    One engine, one answer: the assistant answers when, and with what, the search page
    answers (the engine's card and its confidence). Without a card it asks which of two
    close pages is meant (when the pair, taken as one, would be trusted), or offers a human.
    """
    features = features_of(response)
    if not response.results and response.answer is None:
        return Decision("handoff", response, 0.0, features)
    answered = card_item(response)
    if answered is not None:
        return Decision("answer", response, response.confidence, features, [answered])
    probability = calibration.probability(features)
    pair = _distinct_top_two(response.results)
    close = len(pair) == 2 and features[2] < CLOSE_RELATIVE_MARGIN
    if (
        allow_clarify
        and close
        and _pair_probability(response, pair, calibration) >= (CLARIFY_MIN_PROBABILITY)
    ):
        question = clarifying_question(pair[0], pair[1])
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
