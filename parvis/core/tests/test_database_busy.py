"""A database locked by another writer answers 503 + Retry-After (JSON for the API), never a 500,
and loses nothing: the portal runs under gunicorn with a short SQLite busy timeout while this
test holds the write lock from another connection."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from parvis.conftest import PARVIS, free_port, wait_until_up

REPORT = {
    "category": "nid-de-poule",
    "description": "Nid-de-poule devant le n° 3, test de verrou.",
    "lat": 47.2184,
    "long": -1.5536,
}


@pytest.fixture(scope="module")
def busy_portal(portal_env: dict[str, str]) -> Iterator[tuple[str, Path]]:
    """(base URL, SQLite file) of a portal whose writers wait 0.2 s for a lock, not 5 s."""
    if portal_env.get("DATABASE_URL"):
        pytest.skip("SQLite busy timeout only: PostgreSQL lock timeouts are not exercised")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**portal_env, "PARVIS_BASE_URL": url, "PARVIS_SQLITE_TIMEOUT": "0.2"}
    log = (Path(portal_env["PARVIS_VAR_DIR"]) / "busy-server.log").open("ab")
    proc = subprocess.Popen(
        [PARVIS, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        wait_until_up(url)
        yield url, Path(portal_env["PARVIS_VAR_DIR"]) / "parvis.sqlite3"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


@pytest.fixture
def write_lock(busy_portal: tuple[str, Path]) -> Iterator[sqlite3.Connection]:
    """Another process's writer in the middle of its transaction."""
    connection = sqlite3.connect(busy_portal[1], timeout=10, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def _report_count(database: Path) -> int:
    with sqlite3.connect(database, timeout=10) as connection:
        return connection.execute("SELECT count(*) FROM reports_report").fetchone()[0]


def test_api_write_on_a_locked_database_is_a_json_503_then_succeeds(busy_portal, write_lock):
    url, database = busy_portal
    before = _report_count(database)
    response = requests.post(f"{url}/api/v1/reports", json=REPORT, timeout=30)
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["error"]
    assert int(response.headers["Retry-After"]) > 0
    assert _report_count(database) == before  # WAL: readers still read; nothing half-written
    write_lock.execute("ROLLBACK")
    write_lock.execute("BEGIN")  # a reader's transaction only, so the fixture can roll back
    retried = requests.post(f"{url}/api/v1/reports", json=REPORT, timeout=30)
    assert retried.status_code == 201
    assert _report_count(database) == before + 1


def test_html_page_writing_on_a_locked_database_is_an_html_503(busy_portal, write_lock):
    url, _database = busy_portal
    response = requests.get(f"{url}/recherche/", params={"q": "horaires piscine"}, timeout=30)
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/html")
    assert "momentanément surchargé" in response.text
    assert response.headers["Retry-After"]


def test_api_read_that_logs_the_question_is_a_json_503(busy_portal, write_lock):
    url, _database = busy_portal
    response = requests.get(f"{url}/api/v1/answers", params={"q": "horaires piscine"}, timeout=30)
    assert response.status_code == 503
    assert response.json()["error"]
