"""Quartier pages, the discovery list and the choice form in a real Chromium: axe finds no
violation at 320 and 1280 px, nothing leaves 127.0.0.1, and the choice works without JavaScript."""

from urllib.parse import urlsplit

import pytest

from parvis.core.tests.browser import axe_violations, chromium

pytestmark = pytest.mark.browser

PATHS = [
    "/quartiers/",
    "/quartiers/centre-ville/",
    "/quartiers/bellevue-chantenay-sainte-anne/",
    "/quartiers/nantes-sud/",
    "/quartiers/ile-de-nantes/",
    "/projets/",
    "/projets/?etat=done",
    "/projets/grand-bellevue/",
    "/projets/renovation-piscine-leo-lagrange/",
    "/en/quartiers/ile-de-nantes/",
    "/decouverte/mes-choix/",
    "/demarches/refaire-carte-identite/",
    "/parcours/je-suis-perdu-avec-le-numerique/",
    "/lieux/france-services-nantes-nord/",
    "/",
    "/je-m-installe/",
    "/j-etudie/",
    "/en/",
    "/en/moving-to-nantes/",
    "/en/studying-in-nantes/",
    "/en/journeys/settling-in-nantes/",
]


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("width", [320, 1280])
def test_discovery_pages_pass_axe_and_load_nothing_from_third_parties(portal_url, browser, width):
    """Every new page: 0 axe violations, 0 requests off 127.0.0.1, no horizontal scroll."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    report, overflow = {}, {}
    for path in PATHS:
        response = page.goto(portal_url + path)
        assert response is not None and response.status == 200, path
        report[path] = [(v["id"], v["impact"], len(v["nodes"])) for v in axe_violations(page)]
        if width == 320:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > 320:
                overflow[path] = scroll_width
    page.close()
    assert hosts <= {"127.0.0.1"}, hosts
    assert overflow == {}
    assert {path: found for path, found in report.items() if found} == {}


def test_a_person_chooses_and_erases_a_quartier_without_javascript(portal_url, browser):
    """The form sets the choice, the home list follows it, one button erases it, no script."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(portal_url + "/")
    page.get_by_role("link", name="Choisir mon quartier et mes centres d'intérêt").click()
    page.wait_for_load_state("load")
    page.get_by_label("Votre quartier").select_option("nantes-nord")
    page.get_by_label("Sport").check()
    page.get_by_role("button", name="Enregistrer mes choix sur cet appareil").click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == "/"
    assert "Sélection adaptée à vos choix" in page.content()
    page.get_by_role("button", name="Effacer mes choix").click()
    page.wait_for_load_state("load")
    assert "Sélection adaptée à vos choix" not in page.content()
    assert not [c for c in context.cookies() if c["name"] == "parvis_decouverte"]
    context.close()
