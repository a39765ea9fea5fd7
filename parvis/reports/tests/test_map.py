"""The map is optional: no tile server configured, no map and no script; configured, both."""

from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_without_tiles_there_is_no_map(client):
    """By default (no tile server), pages carry no map and load no map script."""
    body = client.get("/signalements/").content.decode()
    assert "pv-reports-map" not in body and "leaflet" not in body


@override_settings(PARVIS_MAP_TILES_URL="https://tuiles.ville.test/{z}/{x}/{y}.png")
def test_with_tiles_the_map_uses_the_vendored_leaflet(client):
    """With a tile server, the list loads Leaflet from the site itself, never from a CDN."""
    body = client.get("/signalements/").content.decode()
    assert 'data-module="pv-reports-map"' in body
    assert "/static/reports/vendor/leaflet-1.9.4/leaflet" in body
    assert "unpkg" not in body and "cdn" not in body.lower()
