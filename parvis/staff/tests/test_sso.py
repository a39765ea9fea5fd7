"""Agents' single sign-on (ProConnect) against an OpenID provider running on loopback."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from parvis.conftest import free_port
from parvis.staff.tests.conftest import staff_user

pytestmark = pytest.mark.django_db
CLIENT_ID, CLIENT_SECRET = "parvis-test", "secret-de-test"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The loopback provider, in its own process."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "parvis.staff.tests.oidc_provider", str(port)])
    try:
        for _ in range(200):
            try:
                requests.get(f"{url}/jwks", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def sso(provider: str, settings) -> str:  # noqa: ANN001 — pytest-django settings
    settings.PARVIS_OIDC_ENABLED = True
    settings.PARVIS_OIDC_ISSUER = provider
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    for name in ("authorize", "token", "userinfo", "jwks"):
        key = {"authorize": "AUTHORIZATION", "userinfo": "USER"}.get(name, name.upper())
        setattr(settings, f"OIDC_OP_{key}_ENDPOINT", f"{provider}/{name}")
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{provider}/session/end"
    scenario(provider, "ok")
    return provider


def scenario(provider: str, name: str, **extra: str) -> None:
    requests.post(f"{provider}/scenario", json={"name": name, **extra}, timeout=5)


def sign_in(client: Client) -> tuple:
    """The browser's round trip: portal → provider → portal's callback."""
    start = client.get("/admin/sso/?next=/admin/")
    assert start.status_code == 302 and "/authorize?" in start["Location"]
    assert parse_qs(urlsplit(start["Location"]).query)["acr_values"] == ["eidas1"]
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_an_agent_with_a_staff_account_signs_in_and_the_session_key_rotates(client, sso):
    staff_user("Agents", "claire")
    client.get("/admin/login/")
    client.session.save()
    before = client.session.session_key
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client) and client.session.session_key != before
    assert client.get("/admin/").status_code == 200


def test_a_signed_userinfo_answer_is_verified_and_used(client, sso):
    """ProConnect answers userinfo as a signed JWT (application/jwt)."""
    staff_user("Agents", "claire")
    scenario(sso, "ok", userinfo="jwt")
    assert sign_in(client)["Location"] == "/admin/"
    assert signed_in(client)


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("bad_state", "state"),
        ("bad_nonce", "Nonce"),
        ("alg_none", "algorithm"),
        ("hs256_public_key", "algorithm"),
        ("wrong_aud", "InvalidAudienceError"),
        ("wrong_iss", "InvalidIssuerError"),
        ("expired", "ExpiredSignatureError"),
    ],
)
def test_a_forged_or_misdirected_answer_is_refused(client, sso, case, reason, caplog):
    """Each is refused for its own reason: back to the login page, French message, no session."""
    staff_user("Agents", "claire")
    scenario(sso, case)
    with caplog.at_level(logging.WARNING, logger="parvis.security"):
        response = sign_in(client)
    refusals = [r.reason for r in caplog.records if getattr(r, "event", "") == "staff.sso_refused"]
    assert len(refusals) == 1 and reason in refusals[0]
    assert response.status_code == 302 and response["Location"] == "/admin/login/"
    assert not signed_in(client)
    page = client.get("/admin/login/").content.decode()
    assert "La connexion par ProConnect n&#x27;a pas abouti" in page


def test_an_acr_below_the_required_level_is_refused(client, sso, settings, caplog):
    settings.PARVIS_OIDC_ACR_ALLOWED = ["eidas2", "eidas3"]
    staff_user("Agents", "claire")
    scenario(sso, "ok", acr="eidas1")
    with caplog.at_level(logging.WARNING, logger="parvis.security"):
        assert sign_in(client)["Location"] == "/admin/login/"
    assert any("acr" in getattr(r, "reason", "") for r in caplog.records)
    assert not signed_in(client)


def test_userinfo_about_another_subject_is_refused(client, sso):
    staff_user("Agents", "claire")
    scenario(sso, "userinfo_other_sub")
    assert sign_in(client)["Location"] == "/admin/login/"
    assert not signed_in(client)


def test_no_account_is_created_for_an_unknown_agent(client, sso, django_user_model):
    scenario(sso, "ok", email="inconnu@example.org")
    count = django_user_model.objects.count()
    assert sign_in(client)["Location"] == "/admin/login/"
    assert not signed_in(client) and django_user_model.objects.count() == count


def test_an_account_without_back_office_access_is_refused(client, sso, django_user_model):
    django_user_model.objects.create_user("claire", "claire@example.org", "x-long-password-1")
    assert sign_in(client)["Location"] == "/admin/login/"
    assert not signed_in(client)


def test_a_password_level_sso_login_still_needs_the_second_factor(client, sso, require_2fa):
    staff_user("Agents", "claire")
    sign_in(client)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/2fa/")


def test_a_multi_factor_sso_login_counts_as_the_second_factor(client, sso, require_2fa):
    staff_user("Agents", "claire")
    scenario(sso, "ok", acr="eidas2")
    sign_in(client)
    assert client.get("/admin/").status_code == 200


def test_logout_ends_the_provider_session_with_the_id_token_hint(client, sso):
    staff_user("Agents", "claire")
    sign_in(client)
    id_token = client.session["oidc_id_token"]
    response = client.post("/admin/logout/")
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{sso}/session/end"
    query = parse_qs(target.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/admin/login/"]
    assert not signed_in(client)


def test_the_login_page_offers_proconnect_only_when_configured(client, sso, settings):
    assert "Se connecter avec ProConnect" in client.get("/admin/login/").content.decode()
    settings.PARVIS_OIDC_ENABLED = False
    assert "ProConnect" not in client.get("/admin/login/").content.decode()
    assert client.get("/admin/sso/").status_code == 404
    assert client.get("/admin/sso/retour/?code=x&state=y").status_code == 404
