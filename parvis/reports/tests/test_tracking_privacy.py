"""A report's tracking link is its author's key: not cached, not sent on, not logged."""

from __future__ import annotations

import logging

import pytest

from parvis.core.logging import RequestIdFilter
from parvis.reports.tests.factories import make_report

pytestmark = pytest.mark.django_db


def test_tracking_page_is_no_store_and_keeps_its_address_on_the_portal(client):
    report = make_report()
    response = client.get(report.get_tracking_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"


def test_access_log_redacts_the_tracking_reference(client, caplog):
    report = make_report()
    with caplog.at_level(logging.INFO, logger="parvis.access"):
        client.get(report.get_tracking_url())
        client.get("/signalements/suivi/AUTREREFERENCE123/")  # a wrong one: 404, still redacted
    records = [r for r in caplog.records if r.name == "parvis.access"]
    assert [r.status for r in records] == [200, 404]
    assert [r.path for r in records] == ["/signalements/suivi/[secret]/"] * 2
    assert report.reference not in caplog.text and "AUTREREFERENCE123" not in caplog.text


def test_error_log_lines_redact_the_reference_too(rf):
    from django.urls import resolve

    request = rf.get("/signalements/suivi/SECRETREF42/")
    request.resolver_match = resolve(request.path)
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "%s: %s",
        ("Internal Server Error", request.path),
        None,
    )
    record.request = request
    RequestIdFilter().filter(record)
    assert record.getMessage() == "Internal Server Error: /signalements/suivi/[secret]/"
    assert not hasattr(record, "request")
