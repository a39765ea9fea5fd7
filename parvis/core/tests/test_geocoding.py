"""Addresses with addok on the loopback Redis: import the BAN CSV, geocode, reverse, degrade.

The tests use their own Redis databases (10 and 11), never the install's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from parvis.core import geocoding

DEMO = Path(settings.BASE_DIR) / "data" / "addresses-demo.csv"


@pytest.fixture
def addresses(addresses_demo: None) -> None:
    """The demo extract (8 streets) in the tests' addok databases."""


def test_the_ban_csv_is_read_street_by_street():
    with DEMO.open(encoding="utf-8") as handle:
        documents = geocoding.street_documents(geocoding.ban_rows(handle))
    assert len(documents) == 8
    strasbourg = next(d for d in documents if d["name"] == "rue de Strasbourg")
    assert strasbourg["citycode"] == "44109" and "12" in strasbourg["housenumbers"]


def test_an_address_of_the_demo_extract_gets_its_coordinates(addresses):
    found = geocoding.geocode("12 rue de Strasbourg Nantes")
    best = found[0]
    assert best.housenumber == "12"
    assert best.street.casefold() == "rue de strasbourg"
    assert best.citycode == "44109"
    assert 47.21 < best.latitude < 47.23 and -1.56 < best.longitude < -1.54


def test_completion_proposes_streets_from_the_first_letters(addresses):
    labels = [a.label for a in geocoding.geocode("rue crebil")]
    assert labels and "Crébillon" in labels[0]


def test_reverse_geocoding_finds_the_nearest_address(addresses):
    address = geocoding.reverse(latitude=47.1905, longitude=-1.5697)
    assert address is not None and address.city == "Rezé"
    assert geocoding.reverse(latitude=91, longitude=0) is None


def test_a_file_that_is_not_a_ban_csv_is_refused(addresses, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("nom,prenom\nDupont,Jean\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Base Adresse Nationale"):
        call_command("import_addresses", str(bad))


def test_without_redis_addresses_stay_free_text(settings):
    from parvis.conftest import free_port

    settings.PARVIS_ADDOK_REDIS_PORT = free_port()
    assert not geocoding.available()
    assert geocoding.geocode("12 rue de Strasbourg") == []
    assert geocoding.reverse(latitude=47.2, longitude=-1.55) is None
    call_command("import_addresses", str(DEMO), if_available=True)  # make demo: no failure
    with pytest.raises(CommandError, match="injoignable"):
        call_command("import_addresses", str(DEMO))
