"""`/api/v1/openapi.json` tells the truth: schemathesis against the real portal finds nothing.

The portal runs under gunicorn in another process (``portal_url``); schemathesis generates valid
and invalid requests from the document, sends them over HTTP and runs all its checks (no 5xx,
documented status codes and content types, responses matching their schemas, invalid data
rejected and valid data accepted). The run is bounded by a number of examples per operation and
a fixed seed, so it is the same run every time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests
from openapi_spec_validator import validate

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


def test_openapi_document_is_a_valid_openapi_31_document(portal_url: str) -> None:
    document = requests.get(f"{portal_url}/api/v1/openapi.json", timeout=30).json()
    validate(document)  # raises on any violation of the OpenAPI specification


def test_schemathesis_finds_no_failure_with_all_checks(portal_url: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            SCHEMATHESIS,
            "run",
            f"{portal_url}/api/v1/openapi.json",
            "--checks=all",
            "--mode=all",
            "--max-examples=25",
            "--seed=1",
            "--no-shrink",
            "--workers=1",
            "--suppress-health-check=all",
            f"--report-dir={tmp_path}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    assert "passed" in result.stdout


def test_an_unknown_api_path_answers_json_404(portal_url: str) -> None:
    response = requests.get(f"{portal_url}/api/v1/reports/null%2Cnull", timeout=30)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["error"]


def test_a_list_posted_as_a_conversation_is_refused(portal_url: str) -> None:
    response = requests.post(f"{portal_url}/api/v1/conversations", json=[None, None], timeout=30)
    assert response.status_code == 400
    assert response.json()["error"]
