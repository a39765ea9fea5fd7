"""Enrolling a second factor in a real Chromium, on the real portal (gunicorn, demo data)."""

from __future__ import annotations

import base64
import subprocess
import time
from collections.abc import Iterator

import pytest
from django_otp.oath import TOTP

from parvis.conftest import PARVIS
from parvis.core.tests.browser import axe_violations, chromium

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "parvis-demo-2026"  # parvis/management/commands/demo.py


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as browser:
        yield browser


def test_a_demo_account_enrols_an_authenticator_app(portal_url, portal_env, browser):
    """Account menu → QR code drawn without CSP complaint → first code → backup codes.

    The enrolment and verification pages pass axe. The account is reset afterwards, since
    other browser tests sign in with it.
    """
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security" in m.text else 0)
    try:
        page.goto(portal_url + "/admin/login/")
        page.locator("#id_username").fill("moderateur")
        page.locator("#id_password").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("#id_password").press("Enter")
        page.goto(portal_url + "/admin/account/")
        page.locator("#tab-label-actions").click()  # Wagtail's "more actions" tab
        with page.expect_navigation():
            page.get_by_role("link", name="Double authentification").click()
        with page.expect_navigation():
            page.get_by_role("link", name="Activer la double authentification").click()
        qr = page.locator(".pv-otp-qr svg")
        box = qr.bounding_box()
        assert box is not None and box["width"] >= 100 and box["height"] >= 100
        assert axe_violations(page) == []
        secret = page.locator(".pv-otp-secret").inner_text().replace(" ", "")
        totp = TOTP(base64.b32decode(secret), step=30, t0=0, digits=6)
        totp.time = time.time()
        page.get_by_label("Code à usage unique").fill(f"{totp.token():06d}")
        with page.expect_navigation():
            page.get_by_role("button", name="Activer").click()
        assert page.locator(".pv-otp-codes li").count() == 10
        assert csp_errors == []
    finally:
        page.close()
        subprocess.run([PARVIS, "staff_2fa_reset", "moderateur"], env=portal_env, check=True)
