"""Audience doors: four landing pages composed of journeys, answers, places and stories."""

import pytest
from django.utils import translation
from wagtail.models import Locale

from parvis.content.models import DoorPage

pytestmark = pytest.mark.django_db

DOORS = {"je-m-installe", "je-visite", "j-entreprends", "j-etudie"}


def test_the_demo_has_the_four_doors_each_for_its_audience():
    """Je m'installe, Je visite, J'entreprends, J'étudie exist, live, with their audience."""
    doors = {door.slug: door for door in DoorPage.objects.live().filter(locale__language_code="fr")}
    assert set(doors) == DOORS
    assert all(doors[slug].audience is not None for slug in DOORS)
    assert doors["j-etudie"].audience.slug == "etudiant"


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


def test_the_student_door_has_contents_for_students_in_french_and_english(client):
    """J'étudie has its audience, contents tagged for it, and an English version under /en/."""
    from parvis.content.models import Audience, FichePage

    students = Audience.objects.get(slug="etudiant")
    assert FichePage.objects.live().filter(audiences=students).count() >= 3
    door = DoorPage.objects.live().filter(locale__language_code="fr").get(slug="j-etudie")
    assert len(door.sections()) >= 3
    english = door.get_translation(Locale.objects.get(language_code="en"))
    assert english.live and english.url.startswith("/en/")
    response = client.get(english.url)
    assert response.status_code == 200 and "I am studying in Nantes" in response.content.decode()


@pytest.mark.parametrize(
    ("question", "door"),
    [
        ("je viens d'arriver à Nantes", "porte:je-m-installe"),
        ("visiter Nantes", "porte:je-visite"),
        ("je suis étudiant à Nantes", "porte:j-etudie"),
    ],
)
def test_the_answer_engine_finds_the_door_of_a_resident_who_says_who_they_are(question, door):
    """Doors are indexed: a question naming one's situation finds its door among the first."""
    from parvis.answers.selectors import answer_query

    found = [r.id for r in answer_query(query=question, semantic_search=False).results[:5]]
    assert door in found, found


def test_a_translated_door_is_not_a_second_french_answer():
    """Only the French door is in the (French) index: its translation shares its slug."""
    from parvis.answers.models import SearchDocument

    assert SearchDocument.objects.filter(key__startswith="porte:").count() == len(DOORS)
