"""Audience doors: four landing pages composed of journeys, answers, places and stories."""

import pytest
from django.utils import translation

from parvis.content.models import DoorPage

pytestmark = pytest.mark.django_db

DOORS = {"je-m-installe", "je-visite", "j-entreprends", "j-etudie"}


def test_the_demo_has_the_four_doors_each_for_its_audience():
    """Je m'installe, Je visite, J'entreprends, J'étudie exist, live, with their audience."""
    doors = {door.slug: door for door in DoorPage.objects.live().filter(locale__language_code="fr")}
    assert set(doors) == DOORS
    assert all(doors[slug].audience is not None for slug in DOORS - {"j-etudie"})


def test_a_door_shows_journeys_answers_places_and_stories(client):
    """The settling-in door groups its links by kind, each a link to a live page."""
    door = DoorPage.objects.live().filter(locale__language_code="fr").get(slug="je-m-installe")
    with translation.override("fr"):
        headings = [heading for heading, _entries in door.sections()]
    assert headings == ["Pas à pas", "Les réponses utiles", "Les lieux", "Pour connaître la ville"]
    html = client.get(door.url).content.decode()
    for _heading, entries in door.sections():
        for target, _note in entries:
            assert f'href="{target.url}"' in html
    assert "À découvrir aussi" in html


def test_the_home_page_opens_every_door(client):
    """The home page links to the four doors."""
    html = client.get("/").content.decode()
    for door in DoorPage.objects.live().filter(locale__language_code="fr"):
        assert f'href="{door.url}"' in html


def test_an_unpublished_target_disappears_from_its_door():
    """A page taken offline is no longer offered, without an error."""
    door = DoorPage.objects.live().filter(locale__language_code="fr").get(slug="je-visite")
    first = door.sections()[0][1][0][0]
    first.unpublish()
    shown = [target.pk for _h, entries in door.sections() for target, _n in entries]
    assert first.pk not in shown
