"""/api/v1/questions: public questions and their results, in the OpenAPI document."""

from __future__ import annotations

import pytest
from django.test import Client

from parvis.listening.models import FieldAnswer
from parvis.listening.tests import read_side

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions() -> None:
    q = read_side.question(code="API1", text="Des bancs rue Crébillon ?", quartier="centre-ville")
    read_side.answer(q, choice=0, channel="sms", phone_hash="b" * 64)
    read_side.answer(q, choice=1, remark="canari-api 06 00 00 71 30", remark_status="pending")
    read_side.answer(
        q,
        choice=0,
        remark_public="Oui, pour les anciens.",
        remark_status=FieldAnswer.RemarkStatus.APPROVED,
    )
    read_side.followup(q, body="Six bancs posés.")
    read_side.question(
        code="API2",
        text="Fermée ?",
        status="closed",
        quartier="nantes-nord",
        opens_in_days=-30,
        closes_in_days=-1,
    )
    read_side.question(code="API3", text="Brouillon canari ?", status="draft")


def test_list_filters_by_status_and_quartier(questions):
    """``status=open|closed`` and ``quartier=<slug>`` filter; drafts never appear."""
    client = Client()
    codes = lambda url: [q["code"] for q in client.get(url).json()["results"]]  # noqa: E731
    assert set(codes("/api/v1/questions")) >= {"API1", "API2"}
    assert "API3" not in codes("/api/v1/questions")
    assert "API1" in codes("/api/v1/questions?status=open")
    assert "API2" not in codes("/api/v1/questions?status=open")
    assert "API2" in codes("/api/v1/questions?status=closed")
    assert codes("/api/v1/questions?quartier=nantes-nord") == ["API2"]


def test_unknown_quartier_is_an_empty_page_and_a_bad_filter_a_400():
    """An unknown quartier lists nothing; a malformed filter gets a 400 JSON error, never 500."""
    client = Client()
    assert client.get("/api/v1/questions?quartier=inconnu").json()["count"] == 0
    for url in (
        "/api/v1/questions?status=maybe",
        "/api/v1/questions?quartier=%00",
        "/api/v1/questions?page=0",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.json()["error"]


def test_detail_and_results(questions):
    """Detail and results: counts, approved remark, published follow-up; no private data."""
    client = Client()
    detail = client.get("/api/v1/questions/api1").json()
    assert detail["code"] == "API1" and detail["status"] == "open"
    assert detail["answer_url"].endswith("/m/API1/")
    response = client.get("/api/v1/questions/API1/resultats")
    results = response.json()
    assert results["total"] == 3
    assert results["answers"] == [{"label": "Oui", "count": 2}, {"label": "Non", "count": 1}]
    assert results["remarks"] == ["Oui, pour les anciens."]
    assert [f["body"] for f in results["followups"]] == ["Six bancs posés."]
    body = response.content.decode()
    assert "canari" not in body and "b" * 64 not in body and "71 30" not in body


def test_draft_unknown_and_malformed_codes_are_404_or_400(questions):
    """A draft or unknown code is 404; a code that cannot be one is 400."""
    client = Client()
    assert client.get("/api/v1/questions/API3").status_code == 404
    assert client.get("/api/v1/questions/NOPE/resultats").status_code == 404
    assert client.get("/api/v1/questions/%00bad").status_code == 400


def test_routes_are_in_the_openapi_document():
    """The three routes are documented in /api/v1/openapi.json."""
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/questions",
        "/api/v1/questions/{code}",
        "/api/v1/questions/{code}/resultats",
    ):
        assert "get" in paths[path]
