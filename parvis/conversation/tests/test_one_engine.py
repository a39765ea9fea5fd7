"""One engine, one answer: the assistant answers what the search page answers (the same card,
the same page), with the real engine, the real search view and the real conversation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from parvis.content.models import FicheIndexPage, FichePage, LieuIndexPage, LieuPage, OpeningRule
from parvis.conversation.models import Message
from parvis.conversation.services import conversation_ask, conversation_start

pytestmark = pytest.mark.django_db


def _lieu(title: str, slug: str, weekdays: range) -> LieuPage:
    page = LieuIndexPage.objects.first().add_child(
        instance=LieuPage(
            title=title,
            slug=slug,
            kind="decheterie",
            street="1 rue Test",
            postcode="44000",
            closed_on_public_holidays=False,
        )
    )
    for weekday in weekdays:
        OpeningRule.objects.create(
            page=page, weekday=weekday, opens=dt.time(0), closes=dt.time(23, 59)
        )
    page.save_revision().publish()
    return page


def _fiche(title: str, short_answer: str, slug: str) -> FichePage:
    fiche = FichePage(title=title, slug=slug, short_answer=short_answer)
    FicheIndexPage.objects.first().add_child(instance=fiche)
    fiche.save_revision().publish()
    return fiche


@pytest.fixture
def content() -> None:
    _lieu("Déchèterie de la Prairie de Mauves", "decheterie-prairie-de-mauves-test", range(7))
    _lieu("Déchèterie de Tougas", "decheterie-tougas-test", range(6))
    _fiche(
        "Se débarrasser de ses encombrants",
        "Déposez-les en déchèterie ou demandez un enlèvement le dimanche matin en ligne.",
        "encombrants-test",
    )
    _fiche(
        "Refaire sa carte d'identité",
        "Prenez rendez-vous dans une mairie équipée d'une station biométrique.",
        "carte-identite-test",
    )
    _fiche(
        "Demander un passeport",
        "Sur rendez-vous en mairie, avec une photo et un justificatif de domicile.",
        "passeport-test",
    )


QUESTIONS = [
    "Déchèterie de la Prairie de Mauves ouverte le dimanche ?",
    "refaire ma carte d'identité",
    "Quelle est la couleur du ciel ?",
]


def _search_card(question: str):  # noqa: ANN202
    page = Client().get("/recherche/", {"q": question})
    assert page.status_code == 200
    response = page.context["response"]
    return response.answer


def _assistant_answer(question: str) -> Message:
    conversation, _token = conversation_start()
    return conversation_ask(conversation=conversation, text=question)[-1]


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_assistant_answers_the_search_pages_card(content: None, question: str) -> None:
    card = _search_card(question)
    said = _assistant_answer(question)
    if card is None:
        assert said.kind != Message.Kind.ANSWER
    else:
        assert said.kind == Message.Kind.ANSWER
        assert said.sources[0]["url"] == card.url
        assert said.sources[0]["title"] == card.title


def test_the_recycling_centre_question_gets_the_places_and_their_status(content: None) -> None:
    """The question the assistant used to answer with a snippet about bulky items."""
    question = QUESTIONS[0]
    card = _search_card(question)
    assert card is not None and card.type == "lieux"
    said = _assistant_answer(question)
    assert said.kind == Message.Kind.ANSWER
    assert "Déchèterie de la Prairie de Mauves" in said.text
    assert "encombrants" not in said.text.lower()
