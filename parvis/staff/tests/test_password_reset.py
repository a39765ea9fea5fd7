"""Back-office password reset: rate-limited, and silent on whether an address has an account."""

from __future__ import annotations

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db
RESET = "/admin/password_reset/"
DONE = "/admin/password_reset/done/"


def ask(client, address: str, **headers: str):
    return client.post(RESET, {"email": address}, **headers)


def test_resets_are_limited_per_client_address(client, staff):
    """Five requests an hour from one address; the sixth gets a French 429 with Retry-After."""
    for n in range(5):
        assert ask(client, f"personne{n}@example.org")["Location"] == DONE
    response = ask(client, "claire@example.org")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Trop de demandes de réinitialisation" in response.content.decode()
    assert mail.outbox == []


def test_forged_forwarded_for_does_not_escape_the_limit(client, staff):
    for n in range(5):
        ask(client, f"personne{n}@example.org", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert ask(client, "x@example.org", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429


def test_resets_are_limited_per_address_asked_for(client, staff, settings):
    """Three requests an hour for one address, from any number of client addresses."""
    settings.PARVIS_TRUSTED_PROXIES = ["127.0.0.1"]
    for n in range(3):
        response = ask(client, "Claire@Example.org", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert response["Location"] == DONE
    assert len(mail.outbox) == 3
    response = ask(client, "claire@example.org", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert response.status_code == 429
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("limited", [False, True])
def test_answer_is_the_same_for_a_known_and_an_unknown_address(client, staff, settings, limited):
    """The status and the page do not tell whether an account has the address."""
    settings.PARVIS_TRUSTED_PROXIES = ["127.0.0.1"]
    answers = []
    for address in ("claire@example.org", "inconnu@example.org"):
        for n in range(4 if limited else 1):
            response = ask(client, address, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        answers.append((response.status_code, response.get("Location")))
    assert answers[0] == answers[1]
    assert len(mail.outbox) == (3 if limited else 1)  # only the real account gets mail


def test_malformed_address_gets_a_form_error(client):
    response = ask(client, "pas-une-adresse")
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide" in response.content.decode()
