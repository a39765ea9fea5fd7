"""A portal process for Open311 and crash tests: the shared demo database, generous limits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from parvis.conftest import PARVIS, free_port, wait_until_up


@pytest.fixture(scope="session")
def open311_server(portal_env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(base URL, API key) of a portal serving Open311 over real HTTP."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    limits = json.loads(portal_env.get("PARVIS_RATELIMITS_JSON", "{}"))
    limits |= {"open311.post": [[100000, 60]], "open311.post.key": [[100000, 60]]}
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
