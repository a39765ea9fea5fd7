"""/api/v1/questions: the questions asked in the street and their public results (read only).

Only public questions (published once opened, or closed), approved remarks (redacted text) and
published follow-ups; never an answer's phone hash, provider or private remark.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError

from parvis.core.schemas import Error
from parvis.listening.models import FieldQuestion
from parvis.listening.open_data import question_public_dict, results_public_dict
from parvis.listening.results_views import questions_filtered
from parvis.listening.selectors import question_public_get

router = Router(tags=["questions de terrain"])
PAGE_SIZE = 50
CODE = r"^[A-Za-z0-9]{1,12}$"
SLUG = r"^[a-z0-9-]{0,60}$"


class QuestionOut(Schema):
    code: str
    text: str
    kind: str
    choices: list[str]
    status: Literal["open", "closed"]
    quartier: str | None
    quartier_name: str | None
    address: str
    latitude: str | None
    longitude: str | None
    service: str
    lead_name: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    answer_url: str
    results_url: str


class QuestionPage(Schema):
    count: int
    page: int
    results: list[QuestionOut]


class CountOut(Schema):
    label: str
    count: int


class ChannelCount(Schema):
    channel: str
    count: int


class QuartierCount(Schema):
    quartier: str
    count: int


class FollowUpOut(Schema):
    body: str
    author_name: str
    service: str
    published_at: dt.datetime


class ResultsOut(Schema):
    code: str
    total: int
    answers: list[CountOut]
    by_channel: list[ChannelCount]
    by_quartier: list[QuartierCount]
    remarks: list[str]
    followups: list[FollowUpOut]


def _question(code: str) -> FieldQuestion:
    question = question_public_get(code)
    if question is None:
        raise HttpError(404, "Question introuvable.")
    return question


@router.get("", response={200: QuestionPage, 400: Error}, summary="Lister les questions publiques")
def questions_list(
    request: HttpRequest,
    status: Literal["", "open", "closed"] = "",
    quartier: str = Query("", pattern=SLUG, description="Slug du quartier"),
    page: int = Query(1, ge=1, le=100_000),
) -> QuestionPage:
    """Questions with public results, newest first; ``status=open`` for those still answerable."""
    state = {"open": "ouvertes", "closed": "closes"}.get(status, "")
    qs = questions_filtered(state=state)
    if quartier:  # an unknown quartier has no question: an empty page, not an error
        qs = qs.filter(quartier__slug=quartier)
    rows = qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return QuestionPage(
        count=qs.count(),
        page=page,
        results=[QuestionOut(**question_public_dict(q)) for q in rows],
    )


@router.get(
    "/{code}",
    response={200: QuestionOut, 400: Error, 404: Error},
    summary="Une question",
)
def questions_get(
    request: HttpRequest, code: str = Path(..., pattern=CODE, max_length=12)
) -> QuestionOut:
    return QuestionOut(**question_public_dict(_question(code)))


@router.get(
    "/{code}/resultats",
    response={200: ResultsOut, 400: Error, 404: Error},
    summary="Les résultats d'une question",
    description=(
        "Chiffres en direct (non certifiés) : par réponse, par moyen de réponse et par quartier ; "
        "remarques publiées après modération ; ce que la Ville a fait. Les chiffres certifiés du "
        "jour sont dans /questions/donnees.json."
    ),
)
def questions_results(
    request: HttpRequest, code: str = Path(..., pattern=CODE, max_length=12)
) -> ResultsOut:
    question = _question(code)
    return ResultsOut(code=question.code, **results_public_dict(question))
