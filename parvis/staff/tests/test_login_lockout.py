"""Brute force on the back-office login: django-axes locks a username from an address."""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command

from parvis.staff.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"


def attempt(client, password: str, **headers: str):
    return client.post(
        LOGIN, {"username": "claire", "password": password, "next": "/admin/"}, **headers
    )


def fail(client, times: int, **headers: str) -> list[int]:
    return [attempt(client, "mauvais-mot-de-passe", **headers).status_code for _ in range(times)]


def test_fifth_failure_locks_and_the_right_password_is_then_refused(client, staff):
    """Four wrong passwords get the form again, the fifth locks; then the right one: 429."""
    assert fail(client, 5) == [200, 200, 200, 200, 429]
    response = attempt(client, PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_lockout_page_explains_in_french(client, staff):
    """The lockout page is the login page with a French message on the cool-off."""
    fail(client, 5)
    page = attempt(client, PASSWORD).content.decode()
    assert "Trop de tentatives de connexion échouées" in page
    assert "15 minutes" in page
    assert 'name="username"' in page


def test_four_failures_then_the_right_password_signs_in(client, staff):
    """Below the limit, the right password still opens the back office."""
    fail(client, 4)
    assert attempt(client, PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_forged_forwarded_for_from_an_untrusted_peer_does_not_reset_the_count(client, staff):
    """A new X-Forwarded-For on each try, from a peer that is not a trusted proxy: locked."""
    for n in range(5):
        attempt(client, "mauvais-mot-de-passe", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_address_counts_apart(client, staff, settings):
    """Behind a trusted proxy, one client's failures do not lock the account for another."""
    settings.PARVIS_TRUSTED_PROXIES = ["127.0.0.1"]
    fail(client, 5, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302


def test_lockout_is_logged_as_a_json_event_without_the_username(client, staff, caplog):
    """One `staff.login_locked_out` event, with pseudonymous hashes only."""
    with caplog.at_level(logging.WARNING, logger="parvis.security"):
        fail(client, 5)
    events = [r for r in caplog.records if getattr(r, "event", "") == "staff.login_locked_out"]
    assert len(events) == 1
    assert len(events[0].username_hash) == 16 and "claire" not in events[0].getMessage()
    assert not hasattr(events[0], "username")


def test_administrator_unlocks_with_axes_reset_username(client, staff):
    """`parvis axes_reset_username claire` lifts the lockout at once."""
    fail(client, 5)
    assert attempt(client, PASSWORD).status_code == 429
    call_command("axes_reset_username", "claire")
    assert attempt(client, PASSWORD).status_code == 302
