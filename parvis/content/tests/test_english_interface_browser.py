"""A visitor's English journey in a real Chromium, at 320 px and 1 280 px (issue 17).

From /en/: the menu → a section → a Fiche → a search → a door → the report form. Every page
stays under /en/, says ``<html lang="en">``, marks the French content it shows ``lang="fr"``,
and axe finds no violation.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from parvis.core.tests.browser import axe_violations, chromium

pytestmark = pytest.mark.browser
WIDTHS = (320, 1280)


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def _follow(locator: Any) -> None:
    """Click a link or a submit button and wait for the page it leads to."""
    with locator.page.expect_navigation():
        locator.click()


def _menu_link(page: Any, name: str) -> Any:
    """A link of the main menu, the folded menu opened first on a narrow screen."""
    menu = page.get_by_role("navigation", name="Main menu")
    link = menu.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        menu.get_by_text("Menu", exact=True).click()
    return link


class Journey:
    """What every page of the journey must be; the problems found, by page."""

    def __init__(self) -> None:
        self.problems: dict[str, list[str]] = {}

    def check(self, page: Any, step: str, *, french_content: bool) -> None:
        found = []
        path = urlsplit(page.url).path
        if not path.startswith("/en/"):
            found.append(f"left /en/: {path}")
        if page.locator("html").get_attribute("lang") != "en":
            found.append("html lang is not en")
        marked = page.locator("main [lang=fr]").count()
        if french_content and not marked:
            found.append("French content not marked lang=fr")
        found += [f"axe {v['id']} ({len(v['nodes'])})" for v in axe_violations(page)]
        if found:
            self.problems[f"{step} {path}"] = found


@pytest.mark.parametrize("width", WIDTHS)
def test_an_english_visitor_stays_in_english_from_menu_to_report_form(portal_url, browser, width):
    journey = Journey()
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(portal_url + "/en/")
    journey.check(page, "home", french_content=True)

    _follow(_menu_link(page, "Your procedures"))
    journey.check(page, "section", french_content=True)
    assert "This page is in French." in page.locator("main").inner_text()

    _follow(page.locator("main .pv-list--bullets a").first)
    journey.check(page, "fiche", french_content=True)
    notice = page.locator(".pv-language-notice")
    assert notice.inner_text().startswith("This page is in French.")
    original = notice.get_by_role("link", name="See the French original")
    assert original.get_attribute("hreflang") == "fr"
    assert not original.get_attribute("href").startswith("/en/")
    assert page.locator("h1").get_attribute("lang") == "fr"

    search = page.get_by_role("search", name="Search the website")
    search.get_by_role("searchbox").fill("carte identite")
    _follow(search.get_by_role("button", name="Search"))
    journey.check(page, "search", french_content=True)
    assert page.locator("main .pv-answer-card, main .pv-card").count()

    page.goto(portal_url + "/en/")
    _follow(page.get_by_role("link", name="I am moving to Nantes"))
    journey.check(page, "door", french_content=True)
    assert page.locator(".pv-language-notice").count() == 0  # the door is translated

    _follow(_menu_link(page, "Neighbourhoods"))
    journey.check(page, "quartiers", french_content=True)
    _follow(page.locator("main .pv-card__link").first)
    journey.check(page, "quartier", french_content=True)
    # No page of this journey links the report form (in French either): it is typed.
    page.goto(portal_url + "/en/signalements/nouveau/")
    journey.check(page, "report form", french_content=True)
    assert page.get_by_role("button", name="Continue").is_visible()

    page.close()
    assert journey.problems == {}
