"""A first visit in a real Chromium, at 320 px and 1 280 px: what a resident sees is in place.

Each test measures the laid-out page (boxes, computed styles) of the demo portal served by
gunicorn (``portal_url``), the way a resident's browser shows it.
"""

from typing import Any

import pytest

from parvis.core.tests.browser import chromium

pytestmark = pytest.mark.browser
WIDTHS = (320, 1280)


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_page_title_is_in_the_first_screen_without_javascript(portal_url, browser, width):
    """The header and the folded menu leave a Fiche's title whole in a phone's first screen."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": width, "height": 640}
    )
    page = context.new_page()
    page.goto(portal_url + "/demarches/refaire-carte-identite/")
    title = _box(page, "h1")
    assert title["y"] + title["height"] < 480
    menu = page.get_by_role("navigation", name="Menu principal")
    if width == 320:
        assert not menu.get_by_role("link", name="Vos démarches").is_visible()
        menu.get_by_text("Menu").click()
    assert menu.get_by_role("link", name="Vos démarches").is_visible()
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_verifier_address_field_is_one_line_high(portal_url, browser, width):
    """The /verifier/ address input is a one-line field (about 44 px), not a 190 px box."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(portal_url + "/verifier/")
    assert _box(page, "#pv-verify-url")["height"] < 60
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_assistant_button_leaves_the_footer_links_and_header_visible(portal_url, browser, width):
    """At the end of the page the floating assistant covers no footer link; opened, it stays
    below the header."""
    page = browser.new_page(viewport={"width": width, "height": 700})
    page.goto(portal_url + "/demarches/refaire-carte-identite/")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    panel = _box(page, ".pv-assistant-panel")
    for link in page.locator(".pv-footer a").all():
        box = link.bounding_box()
        assert box is not None and not _overlap(panel, box), link.inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(".pv-assistant-panel button").first.click()
    page.locator(".pv-assistant-panel textarea").wait_for()
    header = _box(page, ".pv-header")
    panel = _box(page, ".pv-assistant-panel")
    assert panel["y"] >= header["y"] + header["height"] or not _overlap(panel, header)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_resolved_report_reads_differently_from_a_closed_place(portal_url, browser, width):
    """A "Résolu" report is green with a check mark, not red with an empty ring like "Fermé"."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(portal_url + "/signalements/?status=closed")
    badge = page.locator(".pv-badge", has_text="Résolu").first
    style = badge.evaluate(
        "(el) => [getComputedStyle(el).color, getComputedStyle(el, '::before').content]"
    )
    assert style == ["rgb(17, 96, 47)", '"✓"']
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_report_form_controls_follow_the_site_style(portal_url, browser, width):
    """The report form's fields have the site's 2 px ink border and 44 px height."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(portal_url + "/signalements/nouveau/")
    field = page.locator(".pv-report-form input[type=text]").first
    border, height = field.evaluate(
        "(el) => [getComputedStyle(el).borderTopWidth, el.getBoundingClientRect().height]"
    )
    assert border == "2px" and height >= 44
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_french_punctuation_never_starts_a_line(portal_url, browser, width):
    """A question mark stays on the line of the word before it (a no-break space)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(portal_url + "/demarches/refaire-carte-identite/")
    title = page.locator("h1").inner_text()
    assert title.endswith("\u00a0?")
    page.close()
