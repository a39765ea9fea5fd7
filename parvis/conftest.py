"""Fixtures shared by every app's tests.

- The test database is loaded once with the Nantes demo content (the same files `make demo`
  uses), so page tests exercise real content; each test still runs in its own transaction.
- ``portal_url`` runs the real portal in another process (``parvis demo --no-serve`` then
  ``parvis serve``) against its own database, for browser and HTTP tests.
- ``s3_endpoint`` runs one S3-compatible server (moto's, over HTTP on loopback) for the session.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

PARVIS = str(Path(sys.executable).with_name("parvis"))

# Property tests never fail on time: a loaded 2-core machine (CI) may run an example slowly.
hypothesis_settings.register_profile(
    "parvis", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "parvis"))

# The semantic side is on in a standard install; the tests keep it off (embedding every page
# the tests publish would cost minutes), except those that exercise it, which turn it on with
# the ``settings`` fixture. The environment also reaches the portals the tests start.
os.environ["PARVIS_ANSWERS_SEMANTIC"] = "false"


@pytest.fixture(scope="session", autouse=True)
def _semantic_off() -> None:
    from django.conf import settings

    settings.PARVIS_ANSWERS_SEMANTIC = False


@pytest.fixture(scope="session", autouse=True)
def _log_watermark_apart(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The test log's high-water mark lives in the session's folder, never beside the demo's
    key in var/ (the demo database there holds another log)."""
    from django.conf import settings

    folder = tmp_path_factory.mktemp("watermark")
    settings.PARVIS_LOG_WATERMARK_FILE = str(folder / "log-watermark.json")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201 — pytest-django
    from parvis.content.communes import metropole_home
    from parvis.content.demo import demo_content_load
    from parvis.core.roles import roles_ensure

    with django_db_blocker.unblock():
        demo_content_load()
        roles_ensure(root=metropole_home())


@pytest.fixture(scope="session", autouse=True)
def _audience_views_forgotten_at_exit() -> Iterator[None]:
    """Page views the tests left in the audience buffer are dropped, never written at exit
    (by then the settings name the real database again)."""
    yield
    from parvis.audience import services

    with services._buffer_lock:
        services._buffer.clear()


@pytest.fixture(autouse=True)
def _french_after_each_test() -> Iterator[None]:
    """A request to /en/… leaves English active in the thread: the next test starts in French."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> None:
    """Each test starts with no cached page: its rolled-back rows must not be served later."""
    from parvis.core.pagecache import page_cache_forget

    page_cache_forget()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_postgres_url(url: str, suffix: str) -> str:
    """A new, empty database beside the one in ``url`` (the e2e server must not share it)."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'parvis'}_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def wait_until_up(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still booting
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the portal did not answer on {url}")


@pytest.fixture(scope="session")
def portal_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment of a separate portal process, with its own var/ and database."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PARVIS_VAR_DIR"] = str(tmp_path_factory.mktemp("portal-var"))
    # One portal serves the whole session, every request from 127.0.0.1: the public-write
    # limits (tested on their own in core/tests/test_writes.py) would stop it mid-run.
    from django.conf import settings

    generous = {door: [[10**9, 60]] for door in settings.PARVIS_RATELIMITS}
    env["PARVIS_RATELIMITS_JSON"] = json.dumps(generous)
    env["PARVIS_ADDOK_REDIS_DB"] = str(ADDOK_TEST_DB)  # the demo's addresses, in the tests' Redis
    # The fediverse tests' second server listens on loopback.
    env["PARVIS_FEDERATION_ALLOW_LOOPBACK"] = "true"
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"] = _fresh_postgres_url(database_url, "e2e")
    else:
        env.pop("DATABASE_URL", None)
    subprocess.run([PARVIS, "demo", "--no-serve"], env=env, check=True, timeout=900)
    return env


@pytest.fixture(scope="session")
def portal_url(portal_env: dict[str, str]) -> Iterator[str]:
    """Base URL of the demo portal served by gunicorn in another process."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**portal_env, "PARVIS_BASE_URL": url}
    proc = subprocess.Popen(
        [PARVIS, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=(Path(portal_env["PARVIS_VAR_DIR"]) / "server.log").open("ab"),
    )
    try:
        wait_until_up(url)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """URL of a real S3-compatible HTTP server (moto) on loopback, shared by the session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


ADDOK_TEST_DB = 10  # the tests' addok databases (10 and 11), never the install's


@pytest.fixture(scope="session")
def addresses_demo() -> None:
    """The demo's address extract, indexed by addok in the tests' own Redis databases; the
    test is skipped when no Redis answers on the loopback."""
    from pathlib import Path

    from django.conf import settings

    from parvis.core import geocoding

    settings.PARVIS_ADDOK_REDIS_DB = ADDOK_TEST_DB
    if not geocoding.available():
        pytest.skip("Redis injoignable : le moteur d'adresses ne peut pas être essayé")
    geocoding.addresses_reset()
    geocoding.addresses_import(Path(settings.BASE_DIR) / "data" / "addresses-demo.csv")
