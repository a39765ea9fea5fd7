"""The confidence: computed from the question and the first result, never forced."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from parvis.answers import index, ranking
from parvis.answers.query import understand
from parvis.answers.selectors import CONFIDENT, answer_query

pytestmark = pytest.mark.django_db

VISA = "how do I apply for a US visa"


@pytest.fixture
def welcome_pages(publish_fiche: Callable) -> None:
    publish_fiche(
        "Attestation d'accueil",
        "Une personne étrangère qui vient vous rendre visite en France avec un visa de court "
        "séjour doit présenter une attestation d'accueil, demandée à la mairie.",
    )
    publish_fiche("Refaire sa carte d'identité", "Prenez rendez-vous en mairie.")
    publish_fiche("Inscription sur les listes électorales", "En ligne ou en mairie.")


def test_words_the_site_does_not_know_are_the_unknown_words(welcome_pages: None) -> None:
    vocab = index.vocabulary()
    meaning = understand(VISA, now=timezone.now(), vocab=vocab)
    assert ranking.unknown_words(meaning, vocab) == {"apply"}  # "visa" is the site's word
    known = understand("attestation accueil visa", now=timezone.now(), vocab=vocab)
    assert ranking.unknown_words(known, vocab) == set()


def test_an_unknown_word_lowers_the_confidence(
    welcome_pages: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half of the question is about something the site never speaks of ("apply"): no card,
    and a lower confidence than the same ranking gets without the unknown words' weight."""
    response = answer_query(query=VISA, semantic_search=False)
    assert response.results and response.answer is None
    assert response.confidence < CONFIDENT
    monkeypatch.setattr(ranking, "CALIBRATION", (*ranking.CALIBRATION[:-1], 0.0))
    unweighted = answer_query(query=VISA, semantic_search=False)
    assert unweighted.results[0].id == response.results[0].id
    assert unweighted.confidence > response.confidence


def test_a_fused_first_result_gets_its_own_confidence(welcome_pages: None) -> None:
    """The confidence of a first result fusion brought up is the calibration's, on its own
    lexical score; a document the lexical side did not find at all gets 0."""
    vocab = index.vocabulary()
    meaning = understand("attestation accueil visa", now=timezone.now(), vocab=vocab)
    lexical = ranking.rank(meaning, vocab=vocab, limit=50)
    top, top_score = lexical[0]
    assert ranking.fused_confidence(top, lexical, meaning) == ranking.confidence(
        [top_score, lexical[1][1]] if len(lexical) > 1 else [top_score], meaning, top
    )
    assert ranking.fused_confidence(top, lexical, meaning)[0] >= CONFIDENT
    assert ranking.fused_confidence(top, lexical[1:], meaning) == (0.0, 0.0)
