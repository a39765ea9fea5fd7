"""The assistant in a real Chromium: the live widget, no CSP violation, no axe violation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe

from parvis.core.tests.browser import axe_violations, chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as browser:
        yield browser


def test_live_widget_appends_and_announces_new_messages(portal_url: str, browser) -> None:  # noqa: ANN001
    """With JavaScript, a message is sent through the API and appended to an aria-live list."""
    page = browser.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{portal_url}/assistant/")
    page.fill("#pv-assistant-start-text", "Je veux parler à quelqu'un")
    page.click("form[data-module=pv-assistant] button[type=submit]")
    page.wait_for_selector(".pv-assistant__live textarea")
    thread = page.locator(".pv-thread")
    assert thread.get_attribute("aria-live") == "polite"
    before = thread.locator("li").count()
    page.fill(".pv-assistant__live textarea", "Merci, j'attends")
    page.click(".pv-assistant__live button[type=submit]")
    page.wait_for_selector(f".pv-thread li:nth-child({before + 1})")
    assert "Merci, j'attends" in thread.locator("li").last.inner_text()
    assert axe_violations(page) == []
    assert console_errors == []
    page.close()


@pytest.mark.parametrize("path", ["/lieux/hotel-de-ville/", "/", "/en/"])
def test_axe_can_check_the_floating_assistant_buttons_contrast(
    portal_url: str,
    browser,  # noqa: ANN001
    path: str,
) -> None:
    """On a wide screen the closed assistant floats over the page. Its label stays on one line:
    wrapped, its two lines lay over different content (the Lieu's hours table), and axe left
    its contrast "needs review" (pa11y counts that as an issue)."""
    page = browser.new_page(viewport={"width": 1280, "height": 1024})  # pa11y's viewport
    page.goto(portal_url + path)
    page.locator("aside.pv-assistant-panel > button").wait_for()  # the script has run
    results = Axe().run(page, options={"runOnly": ["color-contrast"]}).response
    assert [node["target"] for rule in results["incomplete"] for node in rule["nodes"]] == []
    assert results["violations"] == []
    page.close()
