"""A report filed in a real Chromium, at 320 and 1280 px: the form says
what will be public before the send button, its hints are read with their fields, a GIF is
offered and taken, and the tracking page shows the steps, not "moi aussi"; axe finds nothing."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from PIL import Image

from parvis.core.tests.browser import axe_violations, chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 140, 60)).save(out, format="GIF")
    return out.getvalue()


def _described_by(page, selector: str) -> str:  # noqa: ANN001 — Playwright's page
    """The text a screen reader reads after the field's label (its aria-describedby)."""
    return page.evaluate(
        """(selector) => (document.querySelector(selector).getAttribute('aria-describedby') || '')
            .split(/\\s+/).filter(Boolean)
            .map((id) => document.getElementById(id))
            .map((el) => (el ? el.textContent : '#MISSING#'))
            .join(' | ')""",
        selector,
    )


@pytest.mark.parametrize("width", [320, 1280])
def test_a_report_says_what_goes_public_and_shows_its_steps(portal_url, browser, width) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    violations = {}

    page.goto(portal_url + "/signalements/nouveau/")
    assert "Par exemple" in _described_by(page, "#id_address")
    page.get_by_label("Nid-de-poule, chaussée abîmée").check()
    page.click("text=Indiquer des coordonnées GPS")
    page.fill("#id_lat", "47.2184")
    page.fill("#id_long", "-1.5536")
    page.click("button:has-text('Continuer')")

    # Step 2: what will be public, above the send button; hints tied to their fields.
    public = page.locator(".pv-report-public")
    send = page.locator("button:has-text('Envoyer le signalement')")
    assert public.is_visible()
    assert "votre adresse électronique" in public.inner_text()
    assert public.bounding_box()["y"] < send.bounding_box()["y"]
    assert "jamais publiée" in _described_by(page, "#id_email")
    assert "image/gif" in page.get_attribute("#id_photo1", "accept")
    violations["step 2"] = [v["id"] for v in axe_violations(page)]
    if width == 320:
        assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.fill("#id_description", f"Nid-de-poule vu à {width} px.")
    page.set_input_files(
        "#id_photo1", files=[{"name": "trou.gif", "mimeType": "image/gif", "buffer": _gif()}]
    )
    page.fill("#id_email", "pas-un-courriel")
    send.click()
    # Refused: the error is read with the field.
    assert "#MISSING#" not in _described_by(page, "#id_email")
    assert page.locator("#id_email_error").is_visible()
    violations["step 2 refused"] = [v["id"] for v in axe_violations(page)]
    page.fill("#id_email", "")
    page.fill("#id_description", f"Nid-de-poule vu à {width} px.")
    page.set_input_files(
        "#id_photo1", files=[{"name": "trou.gif", "mimeType": "image/gif", "buffer": _gif()}]
    )
    page.click("button:has-text('Envoyer le signalement')")

    # The tracking page: the steps, the current one marked, no "moi aussi", the photo.
    assert "/signalements/suivi/" in page.url
    current = page.locator(".pv-report-steps__list [aria-current='step']")
    assert current.count() == 1 and "Reçu" in current.inner_text()
    assert page.locator(".pv-report-steps__list > li").count() == 4
    assert page.locator(".pv-report-steps__next").is_visible()
    assert page.locator("text=Moi aussi").count() == 0
    assert page.locator(".pv-report-photos img").count() == 1
    violations["tracking"] = [v["id"] for v in axe_violations(page)]
    if width == 320:
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # The public page: the same steps, and "moi aussi" for other residents.
    number = re.search(r"n° (\d+)", page.locator("h1").inner_text()).group(1)
    page.goto(f"{portal_url}/signalements/{number}/")
    assert page.locator(".pv-report-steps__list [aria-current='step']").count() == 1
    assert page.locator("text=Moi aussi").count() == 1
    context.close()
    assert hosts <= {"127.0.0.1"}, hosts
    assert {k: v for k, v in violations.items() if v} == {}
