"""The results pages in a real Chromium: axe finds no violation, nothing leaves 127.0.0.1.

Runs on the shared demo portal (``portal_url``), whose demo questions (``listening/demo.py``)
have answers on every channel, approved remarks and a published follow-up (PLACE7).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from parvis.core.tests.browser import axe_violations, chromium

PATHS = [
    "/questions/",
    "/questions/?etat=closes",
    "/questions/?quartier=zzz-aucun",
    "/questions/PASSAGE3/",
    "/questions/PLACE7/",
    "/en/questions/",
    "/en/questions/PLACE7/",
]


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 1280])
def test_results_pages_pass_axe_without_third_party_requests(portal_url, browser, width):
    """Index, filters, empty state and results pages: 0 axe violations, no horizontal scroll at
    320 px, every request to 127.0.0.1."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    report = {}
    for path in PATHS:
        response = page.goto(portal_url + path)
        assert response is not None and response.status == 200, path
        report[path] = [(v["id"], v["impact"], len(v["nodes"])) for v in axe_violations(page)]
        if width == 320:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= 320, f"{path} scrolls horizontally ({scroll_width}px)"
    page.close()
    assert hosts <= {"127.0.0.1"}, hosts
    assert {path: found for path, found in report.items() if found} == {}


@pytest.mark.browser
def test_results_page_chart_and_table_agree_without_javascript(portal_url, browser):
    """Without JavaScript the chart is there (server-drawn SVG) with one bar per table row."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(portal_url + "/questions/PASSAGE3/")
    rows = page.locator(".pv-results table").first.locator("tbody tr").count()
    assert rows == 4
    assert page.locator("svg.pv-chart rect.pv-chart__bar").count() == rows
    assert page.locator("svg.pv-chart title").text_content().startswith("Réponses à la question")
    context.close()
