"""The Open311 list is built from flat rows: it must say exactly what the per-report form says."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from parvis.reports.models import Report, ReportUpdate
from parvis.reports.open311 import serializers as ser
from parvis.reports.photos import photo_prepare
from parvis.reports.selectors import reports_public
from parvis.reports.tests.factories import jpeg_bytes, make_report

pytestmark = pytest.mark.django_db


def test_the_list_says_what_each_request_says_with_photos_notes_and_masks():
    with_photo = make_report(
        description="Lampadaire éteint, appelez-moi au 06 12 34 56 78",
        photos=[photo_prepare(data=jpeg_bytes()), photo_prepare(data=jpeg_bytes(size=(80, 60)))],
    )
    noted = make_report(address="3 rue Crébillon, Nantes")
    ReportUpdate.objects.create(report=noted, status="pris_en_compte", public=True, message="Vu.")
    ReportUpdate.objects.create(
        report=noted, status="planifie", public=True, message="Intervention mardi."
    )
    ReportUpdate.objects.create(report=noted, status="planifie", public=False, message="interne")
    Report.objects.filter(pk=noted.pk).update(status=Report.Status.PLANIFIE)
    closed = make_report()
    Report.objects.filter(pk=closed.pk).update(status=Report.Status.RESOLU, service=None)

    http = RequestFactory().get("/open311/v2/requests.json")
    qs = reports_public()[:1000]
    expected = [ser.request(http, report) for report in qs]
    listed = ser.requests_list(http, reports_public()[:1000])

    assert listed == expected
    by_id = {item["service_request_id"]: item for item in listed}
    assert by_id[str(noted.pk)]["status_notes"] == "Intervention mardi."
    assert by_id[str(with_photo.pk)]["media_url"].endswith(
        f"/signalements/photos/{with_photo.photos.order_by('pk').first().token}/grande.jpg"
    )
    assert "06 12 34 56 78" not in by_id[str(with_photo.pk)]["description"]
    assert by_id[str(closed.pk)]["status"] == "closed"
