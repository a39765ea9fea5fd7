"""Public questions of the street are found by the answer engine; drafts never are."""

from __future__ import annotations

import pytest

from parvis.answers.selectors import answer_query
from parvis.answers.sources import source_refresh
from parvis.listening.models import FieldQuestion
from parvis.listening.tests.conftest import make_question

pytestmark = pytest.mark.django_db


def test_a_public_question_is_an_answer_and_a_draft_is_not(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_question(code="ZZVELO", text="Une piste cyclable zzsepareé rue Zzstrasbourg ?")
        make_question(
            code="ZZDRAFT",
            text="Un brouillon zzsecret rue Zzstrasbourg ?",
            status=FieldQuestion.Status.DRAFT,
        )
    results = answer_query(query="piste cyclable zzstrasbourg").results
    ids = [r.id for r in results]
    assert "question-terrain:zzvelo" in ids and "question-terrain:zzdraft" not in ids
    found = next(r for r in results if r.id == "question-terrain:zzvelo")
    assert found.url == "/m/ZZVELO/"
    assert source_refresh("question-terrain") >= 1
