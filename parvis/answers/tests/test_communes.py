"""Answers across the communes of the Métropole: the commune asked is the one answered."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.answers.query import PARIS
from parvis.answers.selectors import CONFIDENT, answer_query

pytestmark = pytest.mark.django_db

TUESDAY_10H = dt.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)  # Rezé's town hall is open
TUESDAY_20H = dt.datetime(2026, 12, 1, 20, 0, tzinfo=PARIS)  # and closed


def test_mairie_de_reze_horaires_answers_with_rezes_town_hall_and_its_status():
    response = answer_query(query="mairie de Rezé horaires", at=TUESDAY_10H)
    assert response.answer is not None
    assert [p.title for p in response.answer.places] == ["Hôtel de Ville de Rezé"]
    assert response.answer.places[0].is_open
    assert response.confidence >= CONFIDENT
    assert response.results[0].id == "lieu:hotel-de-ville-reze"
    closed = answer_query(query="mairie de Rezé horaires", at=TUESDAY_20H)
    assert closed.answer is not None and not closed.answer.places[0].is_open


def test_a_place_kind_does_not_force_the_confidence():
    """Before, a place kind set the confidence to 0.9 whatever the ranking said."""
    response = answer_query(query="mairie de Rezé horaires", at=TUESDAY_10H)
    assert response.confidence != 0.9
    other = answer_query(query="mairie de Saint-Herblain horaires", at=TUESDAY_10H)
    assert other.confidence != response.confidence or other.answer.places != response.answer.places


@pytest.mark.parametrize(
    "question",
    ["mairie de Vertou horaires", "hôtel de ville de Carquefou ouvert samedi", "mairie de Sautron"],
)
def test_a_place_in_another_commune_is_never_the_answer_card(question):
    response = answer_query(query=question, at=TUESDAY_10H)
    if response.answer is not None:
        assert all("Vertou" in p.title or "Carquefou" in p.title for p in response.answer.places)
        assert not response.answer.id.startswith("lieu:")


def test_the_commune_named_favours_its_own_pages():
    response = answer_query(query="carte d'identité à Rezé", at=TUESDAY_10H)
    assert response.results[0].id == "fiche:reze-carte-identite"
    assert response.facets["commune"]["reze"] >= 1
    only = answer_query(query="carte d'identité", filters={"commune": "reze"}, at=TUESDAY_10H)
    assert [r.id for r in only.results] == ["fiche:reze-carte-identite"]


@pytest.mark.parametrize("question", ["mairie horaires", "town hall opening hours"])
def test_a_place_kind_naming_no_commune_answers_with_the_sites_own_places(question):
    """On the metropolitan portal (Nantes), "mairie horaires" is about Nantes' town halls,
    never another commune's (it once gave Orvault's at 0.67)."""
    response = answer_query(query=question, at=TUESDAY_10H)
    if response.answer is not None and response.answer.places:
        titles = [p.title for p in response.answer.places]
        assert not any(c in t for t in titles for c in ("Rezé", "Orvault", "Saint-Herblain"))
    reze = answer_query(query=question, at=TUESDAY_10H, commune="reze")
    if reze.answer is not None and reze.answer.places:
        assert [p.title for p in reze.answer.places] == ["Hôtel de Ville de Rezé"]


def test_a_communes_own_site_answers_about_that_commune(client):
    """On Rezé's site, "mairie horaires" is Rezé's town hall (the search page passes the
    site's commune to the engine; it did not before)."""
    from parvis.content.models import Commune

    site = Commune.objects.get(slug="reze").site
    html = client.get(
        "/recherche/", {"q": "mairie horaires"}, HTTP_HOST=f"{site.hostname}:{site.port}"
    ).content.decode()
    assert "Hôtel de Ville de Rezé" in html
    assert "Hôtel de Ville de Nantes" not in html.split("pv-results")[0]
