"""A portal process for Open311 and crash tests: the shared demo database, generous limits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from parvis.conftest import PARVIS, free_port


def wait_until_up(url: str, timeout: float = 90) -> None:
    """Like parvis.conftest's, but a slow first answer (workers booting) is not fatal."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the portal did not answer on {url}")


@pytest.fixture(scope="session")
def open311_server(portal_env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(base URL, API key) of a portal serving Open311 over real HTTP."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    limits = {"open311.post": [[100000, 60]], "open311.post.key": [[100000, 60]]}
    env = {**portal_env, "PARVIS_BASE_URL": url, "PARVIS_RATELIMITS_JSON": json.dumps(limits)}
    key = subprocess.run(
        [PARVIS, "open311_create_key", "Test client"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    log = (Path(portal_env["PARVIS_VAR_DIR"]) / "open311-server.log").open("ab")
    proc = subprocess.Popen(
        [PARVIS, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        wait_until_up(url)
        yield url, key
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
