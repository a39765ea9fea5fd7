"""`GET /api/v1/answers?q=…`: the answer engine as JSON.

Queries longer than 200 characters are refused with 400 (not truncated: a cut question could
get a confident wrong answer). Empty, punctuation-only or control-character-only queries are
refused with 400 too; every error is ``{"error": "…"}``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from parvis.answers.selectors import answer_query
from parvis.answers.services import query_log_record
from parvis.answers.text import MAX_QUERY_LENGTH
from parvis.core.schemas import Error

router = Router(tags=["réponses"])


class PlaceOut(Schema):
    title: str
    url: str
    address: str
    is_open: bool
    label: str


class AnswerOut(Schema):
    id: str
    url: str
    title: str
    type: str
    short_answer: str
    documents: list[str]
    cost: str
    delay: str
    places: list[PlaceOut]
    source: str
    licence: str
    needs_address: bool
    address: str
    address_answer: str
    address_choices: list[str]
    address_unknown: bool


class ResultOut(Schema):
    id: str
    url: str
    title: str
    type: str
    score: float
    snippet: str
    source: str
    licence: str


class AnswersOut(Schema):
    query: str
    answer: AnswerOut | None
    confidence: float
    margin: float
    suggestion: str
    at: str | None
    results: list[ResultOut]


@router.get(
    "",
    response={200: AnswersOut, 400: Error},
    summary="Répondre à une question d'habitant",
    description=(
        "La réponse directe (`answer`, ou `null` si la confiance est faible), la confiance "
        "(probabilité calibrée que le premier résultat soit le bon) et les résultats classés. "
        "Identifiants : `<type>:<slug>` pour les pages, identifiant propre pour les documents "
        "importés. `q` : 1 à 200 caractères, sinon 400. Quand la réponse dépend de l'adresse "
        "(`answer.needs_address`), `adresse` donne la réponse pour elle "
        "(`answer.address_answer`)."
    ),
)
def answers(
    request: HttpRequest,
    # At least one letter or digit: a question of punctuation only has nothing to look for.
    q: str = Query(..., min_length=1, max_length=MAX_QUERY_LENGTH, pattern=r"[^\W_]"),
    limit: int = Query(10, ge=1, le=50),
    adresse: str = Query("", max_length=200),
) -> Any:
    if len(q) > MAX_QUERY_LENGTH:
        raise HttpError(400, f"Question trop longue : {MAX_QUERY_LENGTH} caractères au plus.")
    if not 1 <= limit <= 50:
        raise HttpError(400, "limit doit être compris entre 1 et 50.")
    response = answer_query(query=q, limit=limit, address=adresse)
    if response.parsed is None or not response.parsed.text:
        raise HttpError(400, "Question vide : écrivez quelques mots (paramètre q).")
    query_log_record(
        query=response.parsed, result_count=len(response.results), confidence=response.confidence
    )
    return response.to_json()
