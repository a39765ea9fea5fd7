"""Inputs that used to crash the reports' pages with a 500: each gets a clear 4xx or an answer."""

from __future__ import annotations

import feedparser
import pytest

from parvis.content.models import Quartier
from parvis.core.text import is_ascii_number, xml_safe
from parvis.reports.tests.factories import make_report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("quartier", ["a b", "é", "../x", "x" * 80, "<script>"])
def test_list_filtered_by_a_quartier_that_is_no_slug_answers_an_empty_list(client, quartier):
    response = client.get("/signalements/", {"quartier": quartier})
    assert response.status_code == 200
    assert "/rss/" not in response.content.decode()  # no feed for a quartier that does not exist


def test_list_filtered_by_a_real_quartier_offers_its_feeds(client):
    quartier = Quartier.objects.first()
    response = client.get("/signalements/", {"quartier": quartier.slug})
    assert f"/signalements/quartier/{quartier.slug}/rss/" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("page", "²"),
        ("page", "٣"),
        ("page_size", "٣"),
        ("page_size", "¹⁰"),
        ("service_request_id", "²"),
        ("service_request_id", "1,٣"),
    ],
)
def test_open311_refuses_numbers_written_with_other_digits(client, name, value):
    response = client.get("/open311/v2/requests.json", {name: value})
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


def test_only_ascii_digits_make_a_number():
    assert is_ascii_number("042")
    assert not any(is_ascii_number(v) for v in ("", "²", "٣", "١٢", "-1", "1.5", " 1"))


def test_xml_safe_drops_only_what_xml_cannot_carry():
    assert xml_safe("a\x00b\x01c\x0bd\x1fe\ufffef") == "abcdef"
    assert xml_safe("tab\there\nnew\rline é €") == "tab\there\nnew\rline é €"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_quartier_feeds_stay_well_formed_with_control_characters(client, kind):
    quartier = Quartier.objects.first()
    report = make_report(
        description="Trou\x01 profond\x0b devant\x1f l'école\x7f", quartier=quartier
    )
    response = client.get(f"/signalements/quartier/{quartier.slug}/{kind}/")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert any(f"n° {report.pk}" in entry.title for entry in feed.entries)


@pytest.mark.parametrize("name", ["quartier", "category", "status"])
def test_list_filters_holding_a_nul_character_answer_a_list(client, name):
    """PostgreSQL cannot compare text holding NUL: the filter drops it instead of a 500."""
    assert client.get("/signalements/", {name: "a\x00b"}).status_code == 200
    assert client.get("/api/v1/reports", {name: "a\x00b"}).status_code == 200


@pytest.mark.parametrize("field", ["category", "address", "email"])
def test_api_report_with_a_nul_character_is_a_400(client, field):
    body = {"category": "nid-de-poule", "description": "Trou", "address": "1 rue de la Paix"}
    body[field] = "x\x00y"
    response = client.post("/api/v1/reports", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]
