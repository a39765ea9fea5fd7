"""English questions: told apart by their words, searched in the site's French words, answered
with the page's English version where one exists, or a card that says it is in French."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from wagtail.models import Locale

from parvis.answers.english import question_language, to_french
from parvis.answers.selectors import answer_query
from parvis.content.models import FichePage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "question",
    [
        "how do i renew my identity card",
        "town hall opening hours",
        "lost passport",
        "birth certificate",
        "where is the swimming pool open on sunday",
    ],
)
def test_english_questions_are_told_by_their_words(question: str) -> None:
    assert question_language(question.split()) == "en"


@pytest.mark.parametrize(
    "question",
    [
        "refaire ma carte d identite",
        "obtenir passport",  # one English word in a French question: a typo
        "piscine ouverte dimanche",
        "parking velo gare",
        "salon de the",
        "horaires mairie",
    ],
)
def test_french_questions_stay_french(question: str) -> None:
    assert question_language(question.split()) == "fr"


def test_an_english_question_is_searched_in_the_sites_french_words() -> None:
    assert to_french("how do i renew my identity card".split()) == [
        "refaire",
        "renouveler",
        "carte",
        "identite",
    ]
    assert to_french("town hall opening hours".split()) == ["mairie", "horaires"]


def _identity_card_fiche(publish_fiche: Callable) -> FichePage:
    """The Fiche the identity-card questions are about (the seeded one, else a new one)."""
    fiche = FichePage.objects.live().filter(slug="refaire-carte-identite").first()
    return fiche or publish_fiche(
        "Refaire sa carte d'identité",
        "Prenez rendez-vous dans une mairie équipée d'une station biométrique.",
        slug="refaire-carte-identite",
    )


def test_an_english_question_gets_the_french_card_marked_as_french(
    publish_fiche: Callable,
) -> None:
    fiche = _identity_card_fiche(publish_fiche)
    response = answer_query(query="How do I renew my identity card?")
    assert response.language == "en" and response.parsed.searched.startswith("refaire")
    assert response.answer is not None
    assert response.answer.id == f"fiche:{fiche.slug}"
    assert response.answer.language == "fr"
    page = Client().get("/recherche/", {"q": "How do I renew my identity card?"})
    html = page.content.decode()
    assert 'class="pv-notice pv-answer-language" lang="en"' in html
    assert 'class="pv-answer-card" lang="fr"' not in html  # the page itself is French


def test_an_english_question_gets_the_english_version_where_one_exists(
    publish_fiche: Callable,
) -> None:
    fiche = _identity_card_fiche(publish_fiche)
    english, _ = Locale.objects.get_or_create(language_code="en")
    translated = fiche.copy_for_translation(english, copy_parents=True)
    translated.title = "Renewing your identity card"
    translated.short_answer = "Book an appointment at a town hall with a biometric station."
    translated.save_revision().publish()
    response = answer_query(query="how do I renew my identity card")
    assert response.answer is not None and response.answer.language == "en"
    assert response.answer.title == "Renewing your identity card"
    assert response.answer.url == translated.url
    assert response.answer.short_answer.startswith("Book an appointment")
    french = answer_query(query="refaire ma carte d'identité")
    assert french.answer is not None and french.answer.language == "fr"
    assert french.answer.title == fiche.title
