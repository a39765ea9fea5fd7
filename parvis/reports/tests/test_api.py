"""/api/v1/reports: list, read and create, documented in the OpenAPI description."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import override_settings

from parvis.reports.models import Report
from parvis.reports.tests.factories import make_report

pytestmark = pytest.mark.django_db


def _create(client, **extra):
    body = {"category": "tag", "description": f"Tag {uuid.uuid4()}", "lat": 47.21, "long": -1.55}
    headers = extra.pop("headers", {})
    body.update(extra)
    return client.post(
        "/api/v1/reports", json.dumps(body), content_type="application/json", headers=headers
    )


def test_api_creates_and_reads_a_report(client):
    """POST creates a report (201); GET returns it without the reporter's email."""
    response = _create(client, email="api-canary@example.test")
    assert response.status_code == 201
    data = response.json()
    got = client.get(f"/api/v1/reports/{data['id']}").json()
    assert got["category"] == "tag"
    assert "api-canary" not in json.dumps(got)
    listing = client.get("/api/v1/reports?category=tag").json()
    assert any(r["id"] == data["id"] for r in listing["results"])


def test_api_retry_with_idempotency_key_returns_first_report(client):
    """A retried POST with the same Idempotency-Key returns 200 and the same report."""
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    first = _create(client, description="Même", headers=headers)
    second = _create(client, description="Même", headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ({"lat": 91}, 400),
        ({"category": "inconnue"}, 404),
        ({"description": "x" * 4001}, 400),
        ({"headers": {"Idempotency-Key": '"unterminated'}}, 400),
        ({"lat": None, "long": None, "address": ""}, 400),
    ],
)
def test_api_bad_input_is_a_json_4xx(client, extra, status):
    """Bad input is a JSON {"error": …} with a 4xx, never a 500."""
    response = _create(client, **extra)
    assert response.status_code == status
    assert "error" in response.json()


@override_settings(PARVIS_RATELIMITS={"api.create": [(1, 60)]})
def test_api_rate_limit_sets_retry_after(client):
    """Past the limit the API answers 429 with Retry-After."""
    _create(client)
    response = _create(client)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_hidden_report_is_404_in_api(client):
    """A hidden report does not exist for the API."""
    report = make_report()
    Report.objects.filter(pk=report.pk).update(hidden=True)
    assert client.get(f"/api/v1/reports/{report.pk}").status_code == 404


def test_openapi_documents_reports_routes(client):
    """The OpenAPI description lists the reports routes."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/reports" in paths and "/api/v1/reports/{report_id}" in paths
