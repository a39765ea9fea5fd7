"""English versions of the doors and their journeys, made as Wagtail translations, under /en/."""

import pytest
from wagtail.models import Locale

from parvis.answers.models import SearchDocument
from parvis.content.models import DoorPage, HomePage, ParcoursPage

pytestmark = pytest.mark.django_db

EN_DOORS = {"moving-to-nantes", "visiting-nantes", "doing-business-in-nantes", "studying-in-nantes"}


def test_the_four_doors_have_live_english_translations(client):
    """Each door has an English translation (same translation key) served under /en/."""
    english = Locale.objects.get(language_code="en")
    for door in DoorPage.objects.live().filter(locale__language_code="fr"):
        translation = door.get_translation(english)
        assert translation.live and translation.slug in EN_DOORS
        response = client.get(translation.url)
        assert response.status_code == 200 and translation.url.startswith("/en/")
        assert '<html lang="en">' in response.content.decode()


def test_an_english_door_links_to_the_english_journeys(client):
    """A door's journey links go to its English translation when there is one."""
    html = client.get("/en/moving-to-nantes/").content.decode()
    assert 'href="/en/journeys/settling-in-nantes/"' in html
    assert "Settling in Nantes" in html and "Je m&#x27;installe à Nantes" not in html


def test_english_journeys_keep_their_steps_and_fiches():
    """A translated Parcours has the same steps, in English, pointing to the same Fiches."""
    english = Locale.objects.get(language_code="en")
    original = ParcoursPage.objects.get(slug="je-m-installe-a-nantes", locale__language_code="fr")
    translation = original.get_translation(english).specific
    assert translation.title == "Settling in Nantes"
    before = [s.fiche_id for s in original.parcours_steps.all()]
    after = [s.fiche_id for s in translation.parcours_steps.all()]
    assert before == after and translation.parcours_steps.first().title == "Declare my new address"


def test_untranslated_pages_still_answer_under_en(client):
    """/en/ keeps serving every French page that has no translation, interface in English."""
    for path in ["/en/demarches/refaire-carte-identite/", "/en/parcours/j-attends-un-enfant/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<html lang="en">' in response.content.decode()
    assert client.get("/en/nothing-here/").status_code == 404


def test_the_language_switch_goes_to_the_translation(client):
    """On a translated page, the other language's link is its translation's address."""
    assert 'href="/en/moving-to-nantes/"' in client.get("/je-m-installe/").content.decode()
    assert 'href="/je-m-installe/"' in client.get("/en/moving-to-nantes/").content.decode()


def test_french_pages_list_no_english_copy_and_the_index_stays_french(client):
    """The French home and lists show French pages; translations are not in the French index."""
    html = client.get("/").content.decode()
    assert "Settling in Nantes" not in html
    assert not SearchDocument.objects.filter(page__locale__language_code="en").exists()
    english_home = HomePage.objects.get(locale__language_code="en")
    assert "Settling in Nantes" in client.get(english_home.url).content.decode()
