"""Answers that depend on an address: "poubelle jaune quel jour" asks for it, then answers."""

from __future__ import annotations

import pytest
from django.test import override_settings

from parvis.answers.selectors import answer_query
from parvis.answers.views import ADDRESS_COOKIE

pytestmark = pytest.mark.django_db

QUESTION = "poubelle jaune quel jour"


def test_the_collection_day_question_asks_for_an_address(client):
    response = answer_query(query=QUESTION)
    assert response.answer is not None and response.answer.id == "fiche:jour-de-collecte"
    assert response.answer.needs_address and not response.answer.address_answer
    page = client.get("/recherche/", {"q": QUESTION}).content.decode()
    assert 'name="adresse"' in page and 'method="get"' in page
    assert 'for="pv-address"' in page  # a labelled field, no script needed


def test_with_an_address_the_card_answers_with_the_day(addresses_demo, client):
    card = answer_query(query=QUESTION, address="12 rue de Strasbourg").answer
    assert card.address_answer.startswith("Au 12 rue de Strasbourg : bac jaune le mardi matin")
    assert "veille au soir" in card.address_answer
    page = client.get("/recherche/", {"q": QUESTION, "adresse": "12 rue de Strasbourg"})
    shown = page.content.decode().replace("\xa0", " ")  # French typography: "Strasbourg :"
    assert "Au 12 rue de Strasbourg : bac jaune le mardi matin" in shown
    assert ADDRESS_COOKIE not in page.cookies  # not remembered unless asked
    assert "private" in page["Cache-Control"]


def test_an_address_in_rezé_gets_rezés_zone(addresses_demo):
    card = answer_query(query=QUESTION, address="5 avenue de la Libération, Rezé").answer
    assert "bac jaune le jeudi matin" in card.address_answer


def test_an_unclear_address_proposes_matches_and_an_unknown_one_says_so(addresses_demo):
    card = answer_query(query=QUESTION, address="rue de la paix").answer
    assert not card.address_answer and card.address_choices  # "Rue de la Marne" ?
    unknown = answer_query(query=QUESTION, address="8 rue Alsace-Lorraine Rezé").answer
    assert unknown.address_answer  # Rezé's zone is an outline: any Rezé address is in it


@override_settings(PARVIS_ADDOK_ENABLED=False)
def test_without_the_address_engine_the_street_lists_still_answer():
    card = answer_query(query=QUESTION, address="12 rue de Strasbourg").answer
    assert "bac jaune le mardi matin" in card.address_answer
    lost = answer_query(query=QUESTION, address="3 impasse Inconnue").answer
    assert lost.address_unknown and not lost.address_answer


def test_the_address_is_remembered_on_the_device_only_when_asked(addresses_demo, client):
    kept = client.get(
        "/recherche/", {"q": QUESTION, "adresse": "12 rue de Strasbourg", "retenir": "1"}
    )
    cookie = kept.cookies[ADDRESS_COOKIE]
    assert cookie.value == "12 rue de Strasbourg" and cookie["httponly"]
    again = client.get("/recherche/", {"q": QUESTION}).content.decode()
    assert "bac jaune le mardi matin" in again and "oublier=1" in again
    forgotten = client.get("/recherche/", {"q": QUESTION, "oublier": "1"})
    assert forgotten.cookies[ADDRESS_COOKIE].value == ""
