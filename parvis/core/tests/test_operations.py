"""Operations: health endpoints, durability settings, security headers, logs, deploy checks."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.utils import OperationalError

PARVIS = str(Path(sys.executable).with_name("parvis"))
PRODUCTION_ENV = {
    "PARVIS_BASE_URL": "https://www.nantes.example",
    "PARVIS_SECRET_KEY": "x" * 64 + "production-only-secret-for-the-check",
    "PARVIS_ALLOWED_HOSTS": "www.nantes.example",
    # Production refuses to start without a signing key (certification.E001); a test-only seed.
    "PARVIS_SIGNING_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "PARVIS_TRUSTED_PROXIES": "127.0.0.1",
}


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_down(client, monkeypatch):
    """A load balancer drains an instance that cannot reach its database."""
    assert client.get("/readyz").status_code == 200

    def broken_cursor(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").json()["database"] == "unavailable"


@pytest.mark.django_db
def test_database_durability_settings_on_a_new_connection():
    """SQLite: WAL + synchronous=FULL on every connection; PostgreSQL: fsync and sync commit."""
    fresh = connections.create_connection("default")
    with fresh.cursor() as cursor:
        if fresh.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 2
        else:
            for name in ("fsync", "synchronous_commit", "full_page_writes"):
                cursor.execute(f"SHOW {name}")
                assert cursor.fetchone()[0] == "on"
    fresh.close()


@pytest.mark.django_db
def test_public_pages_send_a_strict_self_only_policy(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=(self)" in response["Permissions-Policy"]
    assert "charset=utf-8" in response["Content-Type"]


@pytest.mark.django_db
def test_anonymous_content_pages_set_no_cookie(client):
    response = client.get("/demarches/")
    assert response.cookies == {} or not list(response.cookies.keys())


@pytest.mark.django_db
def test_access_log_is_json_with_request_id_and_no_query_string(client, caplog):
    """Query strings may hold personal data: the access log keeps the path only."""
    with caplog.at_level(logging.INFO, logger="parvis.access"):
        response = client.get("/recherche/?q=jean.dupont@example.test")
    record = next(r for r in caplog.records if r.name == "parvis.access")
    assert record.path == "/recherche/"
    assert record.request_id == response["X-Request-ID"]
    assert "example.test" not in json.dumps(record.__dict__, default=str)


def test_production_settings_pass_the_deploy_check():
    """`check --deploy` with production environment variables raises no warning."""
    env = {**os.environ, **PRODUCTION_ENV}
    result = subprocess.run(
        [PARVIS, "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, **PRODUCTION_ENV}
    env.pop("PARVIS_SECRET_KEY")
    result = subprocess.run([PARVIS, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "PARVIS_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_its_trusted_proxies(tmp_path):
    """Behind HTTPS every client would share the proxy's address: check and serve refuse."""
    database = tmp_path / "parvis.sqlite3"
    database.touch()  # serve needs a database to exist before it gets to its checks
    env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("PARVIS_TRUSTED_PROXIES")
    result = subprocess.run([PARVIS, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "core.E001" in result.stderr and "PARVIS_TRUSTED_PROXIES" in result.stderr
    served = subprocess.run(
        [PARVIS, "serve", "--bind", "127.0.0.1:1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert served.returncode != 0
    assert "PARVIS_TRUSTED_PROXIES" in served.stderr


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_production_static_files_collect_with_hashed_names(tmp_path):
    """`collectstatic` with the production storage succeeds (every CSS reference resolves)."""
    env = {**os.environ, **PRODUCTION_ENV, "PARVIS_STATIC_ROOT": str(tmp_path)}
    result = subprocess.run(
        [PARVIS, "collectstatic", "--noinput", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert "parvis/css/parvis.css" in manifest["paths"]


def test_server_error_page_is_french_and_needs_no_database(rf):
    from parvis.core.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "erreur" in body.lower() and "Traceback" not in body


@pytest.mark.django_db
def test_security_txt_names_a_contact_and_a_future_expiry(client):
    """RFC 9116: Contact and Expires are required; Expires is in the future, within a year."""
    import datetime as dt

    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"].startswith(("mailto:", "https:"))
    expires = dt.datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
    now = dt.datetime.now(dt.UTC)
    assert now < expires < now + dt.timedelta(days=365)
