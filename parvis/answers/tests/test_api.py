"""`GET /api/v1/answers` over real HTTP: the contract's shape and clear 400s."""

from __future__ import annotations

import json
import subprocess

import pytest
import requests

from parvis.conftest import PARVIS


@pytest.fixture(scope="module")
def api(portal_url, portal_env, tmp_path_factory):
    """The real portal (another process), with the small knowledge base imported by the CLI."""
    from parvis.answers.tests.conftest import SMALL_KB

    path = tmp_path_factory.mktemp("kb") / "kb.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in SMALL_KB), encoding="utf-8")
    subprocess.run([PARVIS, "knowledge_import", str(path)], env=portal_env, check=True)
    return f"{portal_url}/api/v1/answers"


def test_answers_returns_the_contract_shape(api):
    """query, answer|null, confidence, results[{id,url,title,type,score,snippet}]."""
    data = requests.get(api, params={"q": "déshériter ses enfants"}, timeout=10).json()
    assert set(data) >= {"query", "answer", "confidence", "results"}
    first = data["results"][0]
    assert set(first) >= {"id", "url", "title", "type", "score", "snippet"}
    assert first["id"] == "T1" and 0 <= data["confidence"] <= 1


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "   "}, {"q": "?!?…"}, {"q": "\x00\x07"}, {"q": "a" * 201}, {"q[]": "x"}],
)
def test_malformed_queries_get_a_json_400(api, params):
    """Missing, empty, punctuation-only, control-only, too long (>200) or q[]= → 400 JSON."""
    response = requests.get(api, params=params, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"]


def test_ten_kilobyte_query_is_refused_not_crashed(api):
    """A 10 kB query gets a 4xx with a message, never a 500."""
    response = requests.get(api, params={"q": "é" * 10_000}, timeout=10)
    assert 400 <= response.status_code < 500


def test_answers_is_in_the_openapi_description(portal_url):
    """The endpoint is documented in /api/v1/openapi.json."""
    spec = requests.get(f"{portal_url}/api/v1/openapi.json", timeout=10).json()
    assert "/api/v1/answers" in spec["paths"]
