"""The portal in a real Chromium: pages load, nothing leaves 127.0.0.1, axe finds no violation."""

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from parvis.content.demo import DEMO_DIR
from parvis.core.tests.browser import axe_violations, chromium

pytestmark = pytest.mark.browser


def first_slug(filename: str, key: str) -> str:
    with (Path(DEMO_DIR) / filename).open("rb") as handle:
        return tomllib.load(handle)[key][0]["slug"]


def public_paths() -> list[str]:
    return [
        "/",
        f"/demarches/{first_slug('fiches.toml', 'fiche')}/",
        f"/lieux/{first_slug('lieux.toml', 'lieu')}/",
        f"/parcours/{first_slug('parcours.toml', 'parcours')}/",
        f"/decouvrir/{first_slug('recits.toml', 'recit')}/",
        "/lieux/",
        "/recherche/?q=carte+identite",
        "/recherche/?q=piscine+ouverte+dimanche",
        "/recherche/?q=zzqx+introuvable",
        "/signalements/",
        "/signalements/nouveau/",
        "/verifier/",
        "/assistant/",
        "/en/",
        "/page-inexistante/",
    ]


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("width", [320, 1280])
def test_pages_pass_axe_and_load_nothing_from_third_parties(portal_url, browser, width):
    """Every page: 0 axe violations, 0 requests off 127.0.0.1, no horizontal scroll at 320 px."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    report = {}
    for path in public_paths():
        response = page.goto(portal_url + path)
        assert response is not None and response.status in (200, 404), path
        report[path] = [(v["id"], v["impact"], len(v["nodes"])) for v in axe_violations(page)]
        if width == 320:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= 320, f"{path} scrolls horizontally ({scroll_width}px)"
    page.close()
    assert hosts <= {"127.0.0.1"}, hosts
    assert {path: found for path, found in report.items() if found} == {}


def test_a_resident_finds_a_fiche_by_browsing_without_javascript(portal_url, browser):
    """Home → Vos démarches → a Fiche, with JavaScript disabled, reaches the short answer."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(portal_url + "/")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Vos démarches"
    ).click()
    page.locator("main a[href^='/demarches/']").first.click()
    assert page.locator("h1").count() == 1
    assert "En bref" in page.content()
    context.close()
