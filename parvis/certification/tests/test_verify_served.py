"""``parvis verify URL`` checks the page actually served, its origin and the pinned keys.

A real attacker HTTP server on loopback serves a page with a fake IBAN that links to a genuine
bundle of the real portal (run under gunicorn by ``portal_url``). A commune's site, served by
the same portal at its own host name, verifies by its own address.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

PARVIS = str(Path(sys.executable).with_name("parvis"))
FAKE = "Réglez les 15 € sur notre compte IBAN FR76 3000 6000 0112 3456 7890 189 avant lundi."


def _get(address: str) -> requests.Response:
    return requests.get(address, timeout=15)


@contextlib.contextmanager
def _copy_site(pages: dict[str, bytes]) -> Iterator[str]:
    """A loopback HTTP server answering ``pages`` (path → body); yields its origin."""

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


def _forged(genuine_url: str, bundle_origin: str) -> str:
    """The page at ``genuine_url`` with the fake IBAN added, its proof link made absolute."""
    genuine = _get(genuine_url).text
    bundle = re.search(r'type="application/json"[^>]*href="([^"]+)"', genuine).group(1)
    genuine = genuine.replace(f'href="{bundle}"', f'href="{bundle_origin}{bundle}"')
    return genuine.replace("</h1>", f"</h1><p>{FAKE}</p>", 1)


@pytest.fixture(scope="module")
def attacker_url(portal_url: str) -> Iterator[str]:
    """A loopback site that copies /demarches/ (and the keys) and adds a fake IBAN to it."""
    keys = _get(f"{portal_url}/.well-known/parvis/keys.json").content
    forged = _forged(f"{portal_url}/demarches/", portal_url).encode()
    with _copy_site({"/demarches/": forged, "/.well-known/parvis/keys.json": keys}) as url:
        yield url


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


@pytest.fixture(scope="module")
def commune_url(portal_url: str, portal_env: dict[str, str]) -> str:
    """Vertou's site, created in the running portal's database as an administrator does
    (``parvis commune_site``), at ``http://localhost:<the portal's port>``."""
    port = str(urlsplit(portal_url).port)
    run = subprocess.run(
        [PARVIS, "commune_site", "vertou", "--hostname", "localhost", "--port", port],
        env={**portal_env, "PARVIS_BASE_URL": portal_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return f"http://localhost:{port}"


def test_a_communes_page_is_verified_by_its_own_address(portal_url, portal_env, commune_url):
    """Its origin is certified because the install serves its Site (published with the keys);
    the proof found is the one signed at the commune's address."""
    sites = _get(f"{portal_url}/.well-known/parvis/keys.json").json()["sites"]
    assert [commune_url] in [site["origins"] for site in sites]
    for address in (f"{commune_url}/", f"{commune_url}/demarches/"):
        run = _verify(portal_env, "--origin", portal_url, address)
        assert run.returncode == 0 and run.stdout.startswith("VÉRIFIÉ"), run.stdout + run.stderr
    page = _get(f"{commune_url}/demarches/").text
    bundle = re.search(r'type="application/json"[^>]*href="([^"]+)"', page).group(1)
    statement = _get(f"{portal_url}{bundle}").json()["statement"]
    assert statement["url"] == f"{commune_url}/demarches/"


def test_a_host_no_site_of_the_install_serves_is_refused(portal_url, portal_env, commune_url):
    port = urlsplit(portal_url).port
    for address in (f"http://127.0.0.2:{port}/demarches/", f"http://localhost:{port + 1}/"):
        run = _verify(portal_env, "--origin", portal_url, address)
        assert run.returncode == 1, run.stdout + run.stderr
        assert "n'est celle d'aucun site de la Ville" in run.stdout, run.stdout


def test_a_forged_copy_of_a_communes_page_is_not_verified(
    portal_url, portal_env, commune_url, tmp_path
):
    """A copy with a fake IBAN: refused as another site's proof when its host is accepted as
    the portal's, and for its text when a pinned keys file lists it as the commune's."""
    keys = _get(f"{portal_url}/.well-known/parvis/keys.json").json()
    forged = _forged(f"{commune_url}/demarches/", commune_url).encode()
    with _copy_site({"/demarches/": forged}) as copy:
        run = _verify(portal_env, "--origin", portal_url, "--origin", copy, f"{copy}/demarches/")
        assert run.returncode == 1 and "autre site" in run.stdout, run.stdout + run.stderr
        for site in keys["sites"]:
            if site["origins"] == [commune_url]:
                site["origins"].append(copy)
        pinned = tmp_path / "keys.json"
        pinned.write_text(json.dumps(keys))
        run = _verify(
            portal_env, "--origin", portal_url, "--keys", str(pinned), f"{copy}/demarches/"
        )
        assert run.returncode == 1 and "FR76" in run.stdout, run.stdout + run.stderr
