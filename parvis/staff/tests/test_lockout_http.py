"""The login lockout over real HTTP, on the portal served by gunicorn (two workers)."""

from __future__ import annotations

import re
import subprocess

import requests

from parvis.conftest import PARVIS

DEMO_PASSWORD = "parvis-demo-2026"  # parvis/management/commands/demo.py


def post_login(session: requests.Session, url: str, password: str) -> requests.Response:
    page = session.get(f"{url}/admin/login/", timeout=30).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return session.post(
        f"{url}/admin/login/",
        data={"csrfmiddlewaretoken": token, "username": "agent", "password": password},
        allow_redirects=False,
        timeout=30,
    )


def test_lockout_holds_across_the_workers_of_the_real_portal(portal_url, portal_env):
    """Five failures spread over gunicorn's workers lock the account; axes_reset lifts it."""
    session = requests.Session()
    try:
        statuses = [post_login(session, portal_url, "mauvais").status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 200, 429]
        locked = post_login(session, portal_url, DEMO_PASSWORD)
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
        assert "Trop de tentatives de connexion" in locked.text
    finally:
        subprocess.run([PARVIS, "axes_reset_username", "agent"], env=portal_env, check=True)
    assert post_login(requests.Session(), portal_url, DEMO_PASSWORD).status_code == 302
