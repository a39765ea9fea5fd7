"""``parvis verify URL`` checks the page actually served, its origin and the pinned keys.

A real attacker HTTP server on loopback serves a page with a fake IBAN that links to a genuine
bundle of the real portal (run under gunicorn by ``portal_url``).
"""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

PARVIS = str(Path(sys.executable).with_name("parvis"))
FAKE = "Réglez les 15 € sur notre compte IBAN FR76 3000 6000 0112 3456 7890 189 avant lundi."


def _get(address: str) -> requests.Response:
    return requests.get(address, timeout=15)


@pytest.fixture(scope="module")
def attacker_url(portal_url: str) -> Iterator[str]:
    """A loopback site that copies /demarches/ (and the keys) and adds a fake IBAN to it."""
    genuine = _get(f"{portal_url}/demarches/").text
    bundle = re.search(r'type="application/json"[^>]*href="([^"]+)"', genuine).group(1)
    genuine = genuine.replace(f'href="{bundle}"', f'href="{portal_url}{bundle}"')
    forged = genuine.replace("</h1>", f"</h1><p>{FAKE}</p>", 1)
    keys = _get(f"{portal_url}/.well-known/parvis/keys.json").content
    pages = {"/demarches/": forged.encode(), "/.well-known/parvis/keys.json": keys}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 — http.server's protocol
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _verify(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PARVIS, "verify", *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def pinned_keys(portal_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("keys") / "keys.json"
    path.write_bytes(_get(f"{portal_url}/.well-known/parvis/keys.json").content)
    return str(path)


def test_a_fake_page_on_another_host_linking_a_genuine_bundle_is_not_verified(
    portal_url, portal_env, attacker_url, pinned_keys
):
    """The city's origin is pinned: a copy elsewhere fails, with or without pinned keys."""
    env = {**portal_env, "PARVIS_BASE_URL": portal_url}
    for extra in (("--keys", pinned_keys), ()):
        run = _verify(env, *extra, f"{attacker_url}/demarches/")
        assert run.returncode == 1, run.stdout + run.stderr
        assert run.stdout.startswith("NON VÉRIFIÉ") and "adresse" in run.stdout, run.stdout


def test_a_page_whose_served_text_differs_from_the_signed_text_is_not_verified(
    portal_url, portal_env, attacker_url, pinned_keys
):
    """Even from an accepted origin, text the statement does not sign is refused."""
    accepted = ("--origin", portal_url, "--origin", attacker_url)
    run = _verify(portal_env, *accepted, "--keys", pinned_keys, f"{attacker_url}/demarches/")
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith("NON VÉRIFIÉ") and "FR76" in run.stdout, run.stdout


def test_the_genuine_page_is_verified_with_keys_from_the_configured_origin(portal_url, portal_env):
    run = _verify(portal_env, "--origin", portal_url, f"{portal_url}/demarches/")
    assert run.returncode == 0 and run.stdout.startswith("VÉRIFIÉ"), run.stdout + run.stderr


def test_a_downloaded_open_data_file_is_verified_and_a_modified_one_is_not(
    portal_url, portal_env, tmp_path
):
    """Open-data files are daily certified snapshots: a copy checks by its SHA-256."""
    for name in ("donnees.csv", "donnees.json", "donnees.geojson"):
        response = _get(f"{portal_url}/signalements/{name}")
        assert response.status_code == 200 and 'rel="describedby"' in response.headers["Link"]
        assert _get(f"{portal_url}/signalements/{name}").content == response.content
        saved = tmp_path / name
        saved.write_bytes(response.content)
        ok = _verify(portal_env, "--origin", portal_url, str(saved))
        assert ok.returncode == 0 and ok.stdout.startswith("VÉRIFIÉ"), ok.stdout + ok.stderr
        saved.write_bytes(response.content + b"\n")
        bad = _verify(portal_env, "--origin", portal_url, str(saved))
        assert bad.returncode == 1 and "aucune publication certifiée" in bad.stdout, bad.stdout


def test_an_english_address_is_not_verified_by_the_french_proof(portal_url, portal_env):
    """/en/… shows the French page's text translated around it: no proof covers that address."""
    run = _verify(portal_env, "--origin", portal_url, f"{portal_url}/en/demarches/")
    assert run.returncode == 1 and run.stdout.startswith("NON VÉRIFIÉ"), run.stdout + run.stderr
