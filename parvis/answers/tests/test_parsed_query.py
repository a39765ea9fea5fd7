"""One parsed-query object: the question is normalised once, at the entry point, and the
same object travels down to ranking, places, snippets and the search log."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import pytest
from django.test import Client

from parvis.answers import text as answers_text
from parvis.answers.models import QueryLog
from parvis.answers.selectors import answer_query

pytestmark = pytest.mark.django_db
NORMALISE = answers_text.normalise  # the real one, whatever the fixture patches


@pytest.fixture
def normalise_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every call to ``normalise`` from any module of ``parvis`` (its argument, recorded)."""
    calls: list[str] = []
    original = NORMALISE

    def counting(raw: str, *, limit: int | None = None) -> str:
        calls.append(raw)
        return original(raw, limit=limit)

    for name, module in list(sys.modules.items()):
        if name.startswith("parvis") and getattr(module, "normalise", None) is original:
            monkeypatch.setattr(module, "normalise", counting)
    yield calls


def _on_question(calls: list[str], question: str) -> list[str]:
    """The calls whose argument is the question, its normalised form or one of its words.

    Callers warm the per-process caches first (the index's vocabulary, the stems of the
    documents' words), which normalise the documents' words, some of them the question's.
    """
    normalised = NORMALISE(question, limit=200)
    forms = {question, " ".join(question.split()), normalised, *normalised.split()}
    return [c for c in calls if c in forms]


QUESTIONS = [
    "Piscine ouverte dimanche à Doulon ?",  # a place answer: places, quartier, time
    "Je suis étudiant, le pass cultur ?",  # an audience named, a typo corrected then refused
    "PISCINE   de Doulon 06 12 34 56 78",  # a phone number the log must mask
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_answer_query_normalises_the_question_once(
    question: str,
    normalise_calls: list[str],
    small_kb: list[dict],
    publish_lieu: Callable,
) -> None:
    publish_lieu("Piscine de Doulon", "piscine", quartier="Doulon")
    answer_query(query=question)  # caches warmed
    normalise_calls.clear()
    response = answer_query(query=question)
    assert response.parsed is not None and response.parsed.text
    assert len(_on_question(normalise_calls, question)) == 1, normalise_calls


def test_the_search_page_and_its_log_reuse_the_parsed_question(
    normalise_calls: list[str], small_kb: list[dict], publish_lieu: Callable
) -> None:
    """The search view, the engine and the anonymous log: one normalisation between them
    (the phone number is masked on the raw text, so its question is normalised twice)."""
    publish_lieu("Piscine de Doulon", "piscine", quartier="Doulon")
    question = "Piscine ouverte dimanche à Doulon ?"
    answer_query(query=question)  # caches warmed
    normalise_calls.clear()
    page = Client().get("/recherche/", {"q": question})
    assert page.status_code == 200
    assert len(_on_question(normalise_calls, question)) == 1, normalise_calls
    log = QueryLog.objects.get()
    assert log.normalised == "piscine ouverte dimanche a doulon"


def test_a_question_with_a_phone_number_is_logged_masked(small_kb: list[dict]) -> None:
    response = answer_query(query="rappelez moi au 06 12 34 56 78 pour la piscine")
    assert response.parsed is not None
    assert "06" not in response.parsed.loggable and "masque" in response.parsed.loggable
    assert "12" in response.parsed.text  # the engine searches what was typed


def test_an_empty_question_comes_back_parsed_and_empty() -> None:
    response = answer_query(query=" ?! … ")
    assert response.parsed is not None and response.parsed.text == ""
    assert response.results == [] and response.answer is None


def test_the_api_refuses_a_question_with_nothing_to_look_for() -> None:
    """ "stp" has letters but normalises to nothing (a politeness): 400, as before."""
    page = Client().get("/api/v1/answers", {"q": "stp"})
    assert page.status_code == 400
    assert "Question vide" in page.content.decode()
    assert not QueryLog.objects.exists()
