"""The groups' and agendas' pages in a real Chromium: axe finds no violation, nothing leaves
127.0.0.1, no horizontal scroll at 320 px; a group is proposed without JavaScript."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from parvis.core.tests.browser import axe_violations, chromium

pytestmark = pytest.mark.browser

PATHS = [
    "/groupes/",
    "/groupes/quartier/doulon-bottiere/",
    "/groupes/etoile-sportive-vieux-doulon/",
    "/groupes/proposer/",
    "/agenda/",
    "/agenda/quartier/doulon-bottiere/",
    "/agenda/theme/sport/",
    "/agenda/?start=2030-01-10&end=2030-01-01",  # the form's error state
]


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("width", [320, 1280])
def test_networks_pages_pass_axe(portal_url, browser, width) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": width, "height": 900})
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    report = {}
    for path in PATHS:
        response = page.goto(portal_url + path)
        assert response is not None and response.status in (200, 400), path
        report[path] = [(v["id"], v["impact"], len(v["nodes"])) for v in axe_violations(page)]
        if width == 320:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= 320, f"{path} scrolls horizontally ({scroll_width}px)"
    page.close()
    assert hosts <= {"127.0.0.1"}, hosts
    assert {path: found for path, found in report.items() if found} == {}


def test_a_group_is_proposed_without_javascript(portal_url, browser) -> None:  # noqa: ANN001
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(portal_url + "/groupes/proposer/")
    page.fill("#id_name", "Chorale de la Bottière")
    page.select_option("#id_kind", "association")
    page.fill("#id_description", "On chante le jeudi soir à la maison de quartier.")
    page.fill("#id_join_url", "https://chorale.example/")
    page.check("text=Doulon – Bottière")
    page.fill("#id_contact_email", "chorale@example.org")
    page.click("text=Envoyer la proposition")
    assert page.url.endswith("/groupes/proposer/merci/")
    assert "Merci" in page.content()
    context.close()
