"""The personal-data protocol: identities normalised and matched however they were typed,
holders discovered from every app, categories unique."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.core.personal_data import (
    Identity,
    IdentityInvalid,
    PersonalDataHolder,
    categories,
    category_get,
    duration_text,
    holders,
)


@pytest.mark.parametrize(
    "raw",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33612345678",
        "0033 6 12 34 56 78",
    ],
)
def test_a_phone_is_normalised_to_e164_however_typed(raw):
    identity = Identity.parse(raw)
    assert identity == Identity("phone", "+33612345678")
    assert identity.matches(raw)


def test_an_email_is_lower_case_and_matches_any_case():
    identity = Identity.parse("  Jeanne.Dupont@Example.FR ")
    assert identity == Identity("email", "jeanne.dupont@example.fr")
    assert identity.matches("JEANNE.DUPONT@example.fr") and not identity.matches(
        "jeanne@example.fr"
    )


@pytest.mark.parametrize("raw", ["", "bonjour", "12", "a@b", "06 12 34", "+1 555", "06\x0012"])
def test_anything_else_is_refused_with_a_message(raw):
    with pytest.raises(IdentityInvalid) as refused:
        Identity.parse(raw)
    assert refused.value.message


def test_redact_masks_every_writing_of_the_identity_and_nothing_else():
    phone = Identity.parse("06 12 34 56 78")
    text = "Appelez le 06.12.34.56.78 ou +33 6 12 34 56 78, pas le 06 99 99 99 99."
    assert phone.redact(text) == "Appelez le [masqué] ou [masqué], pas le 06 99 99 99 99."
    email = Identity.parse("a.b@example.test")
    assert email.redact("Écrire à A.B@example.test.") == "Écrire à [masqué]."


def test_the_digest_is_stable_and_tells_nothing():
    one, same = Identity.parse("x@example.test"), Identity.parse("X@EXAMPLE.test")
    assert one.digest() == same.digest() and len(one.digest()) == 64
    assert "example" not in one.digest()
    assert one.masked() == "x•••@example.test"


def test_every_app_holding_personal_data_declares_it():
    keys = [holder.key for holder in holders()]
    assert {"core", "answers", "conversation", "reports", "mydata"} <= set(keys)
    assert all(isinstance(holder, PersonalDataHolder) for holder in holders())
    declared = [category.key for category in categories()]
    assert len(declared) == len(set(declared))
    for category in categories():
        assert category.key.split(".")[0] in keys
        assert str(category.label) and str(category.purpose) and str(category.audience)
        assert category.retention is not None or category.retention_rule
    assert category_get("reports.contribution.photos").key == "reports.contribution"


@pytest.mark.parametrize(
    ("delay", "text"),
    [
        (dt.timedelta(minutes=30), "30 minutes"),
        (dt.timedelta(hours=2), "2 heures"),
        (dt.timedelta(hours=24), "1 jour"),
        (dt.timedelta(days=7), "7 jours"),
        (dt.timedelta(days=365), "1 an"),
        (dt.timedelta(days=730), "2 ans"),
    ],
)
def test_delays_read_as_residents_say_them(delay, text):
    assert duration_text(delay) == text
