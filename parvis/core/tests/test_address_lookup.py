"""The address fields' helpers: completion and "utiliser ma position" as JSON."""

from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_completion_proposes_addresses(addresses_demo, client):
    data = client.get("/adresses/completer/", {"q": "12 rue de stras"}).json()
    assert data["addresses"][0]["label"] == "12 rue de Strasbourg 44000 Nantes"
    assert client.get("/adresses/completer/", {"q": "ab"}).json() == {"addresses": []}


def test_reverse_gives_the_nearest_address(addresses_demo, client):
    data = client.get("/adresses/position/", {"lat": "47.1905", "lon": "-1.5697"}).json()
    assert data["address"]["city"] == "Rezé"
    bad = client.get("/adresses/position/", {"lat": "nan", "lon": "x"})
    assert bad.status_code == 400 and "error" in bad.json()


@override_settings(PARVIS_ADDOK_ENABLED=False)
def test_without_the_address_engine_nothing_fails(client):
    assert client.get("/adresses/completer/", {"q": "12 rue"}).json() == {"addresses": []}
    data = client.get("/adresses/position/", {"lat": "47.2", "lon": "-1.55"}).json()
    assert data == {"address": None}
