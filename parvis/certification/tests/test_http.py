"""Public contracts over real HTTP: log endpoints, keys, the verify page, ``parvis verify``."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

PARVIS = str(Path(sys.executable).with_name("parvis"))


def _get(address: str, **params: str) -> requests.Response:
    return requests.get(address, params=params, timeout=15)


@pytest.fixture(scope="module")
def page_bundle(portal_url: str) -> dict:
    page = _get(f"{portal_url}/demarches/").text
    href = re.search(r'<link rel="alternate" type="application/json"[^>]*href="([^"]+)"', page)
    return _get(portal_url + href.group(1)).json()


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/transparence/proof/inclusion", {"index": "x", "tree_size": "1"}, 400),
        ("/transparence/proof/inclusion", {"index": "-1", "tree_size": "1"}, 400),
        ("/transparence/proof/inclusion", {"index": "5", "tree_size": "5"}, 400),
        ("/transparence/proof/inclusion", {"tree_size": "5"}, 400),
        ("/transparence/proof/inclusion", {"index": "0", "tree_size": "99999999"}, 404),
        ("/transparence/proof/inclusion", {"index": "0", "tree_size": "9" * 40}, 400),
        ("/transparence/proof/consistency", {"first": "0", "second": "1"}, 400),
        ("/transparence/proof/consistency", {"first": "3", "second": "2"}, 400),
        ("/transparence/proof/consistency", {"first": "1", "second": "99999999"}, 404),
        ("/transparence/proof/consistency", {"first": "１", "second": "2"}, 400),
        ("/transparence/entries/99999999", {}, 404),
        ("/transparence/bundle/99999999.json", {}, 404),
        ("/transparence/lookup", {"sha256": "zz"}, 400),
    ],
)
def test_bad_or_unknown_parameters_get_a_json_error(portal_url, path, params, status):
    """Bad input is a JSON 4xx with an error message, never a 500."""
    response = _get(portal_url + path, **params)
    assert response.status_code == status
    assert response.json()["error"]


def test_checkpoint_is_a_signed_note_in_plain_text(portal_url):
    """The latest checkpoint: origin, size, root, blank line, an em-dash signature line."""
    response = _get(f"{portal_url}/transparence/checkpoint")
    assert response.headers["Content-Type"].startswith("text/plain")
    origin, size, root, blank, signature, end = response.text.split("\n")
    assert origin.endswith("/parvis/log") and int(size) > 0 and len(root) == 44
    assert blank == "" and end == "" and signature.startswith(f"\u2014 {origin} ")


def test_proofs_served_over_http_verify(portal_url, page_bundle):
    """The inclusion and consistency endpoints return proofs that check against checkpoints."""
    from parvis.certification import merkle
    from parvis.certification.canonical import b64_strict, canonical
    from parvis.certification.verify import checkpoint_verify

    keys = _get(f"{portal_url}/.well-known/parvis/keys.json").json()
    checkpoint = checkpoint_verify(page_bundle["checkpoint"], keys)
    index = page_bundle["index"]
    proof = _get(
        f"{portal_url}/transparence/proof/inclusion",
        index=str(index),
        tree_size=str(checkpoint.size),
    ).json()
    leaf = merkle.leaf_hash(
        canonical(page_bundle["statement"]) + b64_strict(page_bundle["signature"])
    )
    path = [b64_strict(h) for h in proof["hashes"]]
    assert merkle.verify_inclusion(index, checkpoint.size, leaf, path, checkpoint.root)
    consistency = _get(
        f"{portal_url}/transparence/proof/consistency", first="1", second=str(checkpoint.size)
    ).json()
    entry0 = _get(f"{portal_url}/transparence/entries/0").json()
    first_root = merkle.leaf_hash(canonical(entry0["statement"]) + b64_strict(entry0["signature"]))
    hashes = [b64_strict(h) for h in consistency["hashes"]]
    assert merkle.verify_consistency(1, checkpoint.size, first_root, checkpoint.root, hashes)


def test_a_quote_copied_from_a_page_is_found_and_a_doctored_one_is_not(portal_url, page_bundle):
    """A sentence from a page is confirmed; with a word changed or invented, it is not."""
    fields = [f["text"] for f in page_bundle["statement"]["fields"] if len(f["text"]) > 40]
    sentence = fields[0]
    page = html.unescape(_get(f"{portal_url}/demarches/").text)
    assert sentence in page  # copied from what residents read
    quote = "« " + sentence.upper().replace("'", "’") + " »"
    found = _get(f"{portal_url}/verifier/", q=quote).text
    assert "La Ville a bien publié ce texte" in found
    words = sentence.split()
    words[len(words) // 2] = "jamais"
    doctored = _get(f"{portal_url}/verifier/", q=" ".join(words)).text
    assert "La Ville a bien publié ce texte" not in doctored
    assert "publié ce texte tel quel" in doctored or "aucune publication certifiée" in doctored
    invented = _get(
        f"{portal_url}/verifier/", q="La mairie distribue des vélos gratuits à tous"
    ).text
    assert "Ce texte ne figure dans aucune publication certifiée du journal" in html.unescape(
        invented
    )


def test_the_verify_page_lists_certified_versions_of_a_url(portal_url):
    """Pasting a portal URL lists its certified versions with a valid signature."""
    page = _get(f"{portal_url}/verifier/", url=f"{portal_url}/demarches/").text
    assert "Versions certifiées de cette page" in page and "valide" in page
    other = _get(f"{portal_url}/verifier/", url="https://example.org/demarches/")
    assert other.status_code == 400 and "pas une page du portail" in other.text


def test_an_uploaded_file_is_checked_by_digest(portal_url):
    """An unknown file gets a clear "never published" answer (POST with CSRF)."""
    session = requests.Session()
    form = session.get(f"{portal_url}/verifier/", timeout=15).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = session.post(
        f"{portal_url}/verifier/",
        data={"csrfmiddlewaretoken": token},
        files={"file": ("donnees.csv", b"a;b\n1;2\n")},
        headers={"Referer": f"{portal_url}/verifier/"},
        timeout=15,
    )
    assert response.status_code == 200
    assert "aucune publication certifiée du journal" in html.unescape(response.text)
    assert session.post(f"{portal_url}/verifier/", timeout=15).status_code == 403


def test_parvis_verify_checks_a_page_offline_with_pinned_keys(portal_url, portal_env, tmp_path):
    """The CLI verifies a page by URL and a saved bundle; a tampered bundle exits 1."""
    keys = tmp_path / "keys.json"
    keys.write_bytes(_get(f"{portal_url}/.well-known/parvis/keys.json").content)
    run = [PARVIS, "verify", "--keys", str(keys), "--origin", portal_url]
    ok = subprocess.run(
        [*run, f"{portal_url}/demarches/"],
        env=portal_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0 and ok.stdout.startswith("VÉRIFIÉ"), ok.stdout + ok.stderr
    page = _get(f"{portal_url}/demarches/").text
    href = re.search(r'type="application/json"[^>]*href="([^"]+)"', page).group(1)
    bundle = _get(portal_url + href).json()
    bundle["statement"]["title"] += "!"
    saved = tmp_path / "bundle.json"
    saved.write_text(json.dumps(bundle))
    bad = subprocess.run(
        [*run, str(saved)], env=portal_env, capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 1 and bad.stdout.startswith("NON VÉRIFIÉ")
