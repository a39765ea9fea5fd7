"""The discovery list on the pages that show it, and the person's opt-in choices."""

import re

import pytest
from django.test import override_settings

from parvis.content.models import FichePage
from parvis.discovery.preferences import COOKIE

pytestmark = pytest.mark.django_db

FEED = "À découvrir aussi"


def _feed_links(html: str) -> list[str]:
    section = html[html.index('id="pv-decouverte"') :]
    section = section[: section.index("</section>")]
    return re.findall(r'class="pv-card__link" href="([^"]+)"', section)


def test_home_fiche_search_and_quartier_pages_show_the_list(client):
    """The list appears on the home page, at the end of a Fiche, after an answer, on quartiers."""
    fiche = FichePage.objects.live().get(slug="refaire-carte-identite")
    for path in ["/", fiche.url, "/recherche/?q=carte+identite", "/quartiers/nantes-sud/"]:
        html = client.get(path).content.decode()
        assert FEED in html, path
        assert len(_feed_links(html)) == 6, path


def test_the_list_is_marked_outside_the_signed_content(client):
    """A Fiche's discovery list is data-uncertified: the signature covers the Fiche, not it."""
    fiche = FichePage.objects.live().get(slug="refaire-carte-identite")
    html = client.get(fiche.url).content.decode()
    start = html.rindex("<section", 0, html.index('id="pv-decouverte"'))
    assert "data-uncertified" in html[start : html.index('id="pv-decouverte"')]


def test_anonymous_pages_set_no_cookie_and_offer_the_choice_by_link(client):
    """Without a choice, the list is the same for everyone and the page sets no cookie."""
    response = client.get("/")
    assert not response.cookies
    assert "/decouverte/mes-choix/" in response.content.decode()


def test_choosing_a_quartier_and_interests_sets_one_cookie_and_steers_the_list(client):
    """The form stores the choice on the device only; the home list then follows it."""
    page = client.get("/decouverte/mes-choix/")
    assert page.status_code == 200 and "Santé" not in page.content.decode()
    response = client.post(
        "/decouverte/mes-choix/",
        {"quartier": "nantes-nord", "interests": ["sport"], "next": "/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["max-age"] == 395 * 24 * 3600
    html = client.get("/").content.decode()
    assert "Sélection adaptée à vos choix" in html and "Nantes Nord" in html
    assert "Effacer mes choix" in html


def test_erasing_the_choice_takes_one_click(client):
    """One button deletes the cookie; the next page is the same as everyone's."""
    client.post("/decouverte/mes-choix/", {"quartier": "nantes-nord", "next": "/"})
    response = client.post("/decouverte/mes-choix/", {"erase": "1", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "" and response.cookies[COOKIE]["max-age"] == 0


def test_an_empty_or_forged_choice_is_a_form_message_not_an_error(client):
    """No choice → 400 with a message; unknown slugs and off-site returns are ignored."""
    response = client.post("/decouverte/mes-choix/", {"next": "/"})
    assert response.status_code == 400
    assert "Choisissez un quartier" in response.content.decode()
    response = client.post(
        "/decouverte/mes-choix/", {"quartier": "atlantide", "interests": ["x"], "next": "/"}
    )
    assert response.status_code == 400 and COOKIE not in response.cookies
    response = client.post(
        "/decouverte/mes-choix/", {"interests": ["sport"], "next": "https://evil.test/"}
    )
    assert response.status_code == 302 and response["Location"] == "/decouverte/mes-choix/"
    client.cookies[COOKIE] = "q=%00&t=" + "x" * 5000
    assert client.get("/").status_code == 200


@override_settings(PARVIS_PAGE_CACHE=True)
def test_a_person_with_choices_is_never_served_the_shared_cached_page(client):
    """The page cache skips requests carrying the choice cookie, and keeps serving the others."""
    client.get("/")
    shared = client.get("/").content.decode()
    client.post("/decouverte/mes-choix/", {"quartier": "nantes-nord", "next": "/"})
    personal = client.get("/").content.decode()
    assert "Sélection adaptée à vos choix" in personal
    assert "Sélection adaptée à vos choix" not in shared


def test_a_fiche_with_an_online_procedure_says_where_to_get_help(client):
    """The box lists places of digital mediation; a Fiche without one has no box."""
    fiche = FichePage.objects.live().get(slug="refaire-carte-identite")
    html = client.get(fiche.url).content.decode()
    assert "Besoin d'aide pour faire cette démarche en ligne" in html.replace("&#x27;", "'")
    assert "France Services" in html
    offline = FichePage.objects.live().get(slug="tarifs-cantine")
    assert "démarche en ligne ?" not in client.get(offline.url).content.decode()
