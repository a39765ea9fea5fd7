"""A report placed by address: coordinates from addok, its quartier and commune from the
outlines, routed to the competent service, on the map and in Open311 with lat/long."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
import requests
from django.core.management import call_command
from django.urls import reverse

from parvis.conftest import PARVIS
from parvis.content.models import Commune, Service
from parvis.core.models import OutboxMessage
from parvis.reports.models import Category, CategoryRoute, Report
from parvis.reports.services import report_create, reports_place_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def _keep_test_connection(monkeypatch):  # noqa: ANN001, ANN202 — fixture
    """The worker drops stale connections between tasks; inside a test's transaction that
    would close the test's own connection."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def test_a_report_filed_by_address_gets_coordinates_quartier_and_commune(addresses_demo, client):
    report, _ = report_create(
        category=Category.objects.get(code="depot-sauvage"),
        description="Cartons au pied du conteneur.",
        address="12 rue de Strasbourg, Nantes",
    )
    assert report.latitude is not None and 47.21 < report.latitude < 47.23
    assert report.commune.slug == "nantes"
    assert report.quartier.slug == "centre-ville"
    assert report.competent_service == Category.objects.get(code="depot-sauvage").service
    features = client.get(reverse("reports:geojson")).json()["features"]
    mine = [f for f in features if f["properties"]["id"] == report.pk]
    assert mine, "the report is on the map"
    lon, lat = mine[0]["geometry"]["coordinates"]
    assert round(lat, 4) == round(report.latitude, 4) and round(lon, 4) == round(
        report.longitude, 4
    )


def test_a_report_in_rezé_goes_to_rezés_service_when_the_commune_runs_it(addresses_demo):
    reze = Commune.objects.get(slug="reze")
    service = Service.objects.get(slug="espaces-publics-reze")
    bench = Category.objects.get(code="banc")
    CategoryRoute.objects.get_or_create(category=bench, commune=reze, defaults={"service": service})
    report, _ = report_create(
        category=bench, description="Banc cassé.", address="3 place Jean-Baptiste Daviais Rezé"
    )
    assert report.commune == reze
    assert report.competent_service == service
    # The same category in Nantes stays with the Métropole's service.
    nantes, _ = report_create(
        category=bench, description="Banc cassé rue Crébillon.", latitude=47.2135, longitude=-1.56
    )
    assert nantes.commune.slug == "nantes" and nantes.competent_service == bench.service


def test_an_unknown_address_keeps_the_report_as_text(addresses_demo):
    report, _ = report_create(
        category=Category.objects.get(code="tag"),
        description="Tag.",
        address="devant l'école Jean-Zay",
    )
    assert report.latitude is None and report.commune is None and report.address


@pytest.mark.usefixtures("_keep_test_connection")
def test_a_report_placed_later_gets_its_quartier_commune_address_and_service_from_the_worker(
    addresses_demo,
):
    """An API report is stored as sent; the worker places it, routes it and tells its
    service, once, however many times its placing runs."""
    reze = Commune.objects.get(slug="reze")
    service = Service.objects.get(slug="espaces-publics-reze")
    Service.objects.filter(pk=service.pk).update(email="parcs@reze.example")
    bench = Category.objects.get(code="banc")
    CategoryRoute.objects.get_or_create(category=bench, commune=reze, defaults={"service": service})
    report, _ = report_create(
        category=bench,
        description="Banc cassé place Daviais.",
        latitude=47.19012,
        longitude=-1.5701,
        email="habitante@example.test",
        place_later=True,
        channel=Report.Channel.OPEN311,
    )
    assert report.placement_pending and report.commune is None and report.address == ""
    assert report.competent_service == bench.service  # until the worker places it
    to_service = OutboxMessage.objects.filter(recipient="parcs@reze.example")
    assert not to_service.exists()
    # The acknowledgement's own email is written with the report, before any worker runs.
    assert OutboxMessage.objects.filter(recipient="habitante@example.test").exists()

    call_command("worker", "--once", "--no-schedule")
    report.refresh_from_db()
    assert not report.placement_pending
    assert report.commune == reze and report.competent_service == service
    assert "Daviais" in report.address
    assert to_service.count() == 1
    # A second run (the periodic sweep, a retried task) finds it placed and does nothing.
    assert reports_place_pending(older_than=dt.timedelta(0)) == 0
    assert to_service.count() == 1


def test_open311_returns_the_coordinates_of_a_request_filed_by_address(
    addresses_demo, open311_server, portal_env
):
    base, key = open311_server[0] + "/open311/v2", open311_server[1]
    created = requests.post(
        f"{base}/requests.json",
        data={
            "api_key": key,
            "service_code": "banc",
            "address_string": "3 place Jean-Baptiste Daviais, Rezé",
            "description": "Banc cassé devant la mairie de Rezé.",
        },
        timeout=10,
    )
    assert created.status_code == 200, created.text
    request_id = created.json()[0]["service_request_id"]
    # Acknowledged as sent: the address engine and the routing are the worker's, after.
    detail = requests.get(f"{base}/requests/{request_id}.json", timeout=10).json()[0]
    assert detail["lat"] is None and detail["address"].startswith("3 place")
    subprocess.run(
        [PARVIS, "worker", "--once", "--no-schedule"], env=portal_env, check=True, timeout=120
    )
    detail = requests.get(f"{base}/requests/{request_id}.json", timeout=10).json()[0]
    assert 47.18 < float(detail["lat"]) < 47.20 and -1.58 < float(detail["long"]) < -1.56
    assert detail["agency_responsible"] == "Espaces publics de Rezé"
    # Each commune is a jurisdiction: Rezé's lists it, Nantes' does not; unknown is a 404.
    in_reze = requests.get(
        f"{base}/requests.json", params={"jurisdiction_id": "44143"}, timeout=10
    ).json()
    assert request_id in [r["service_request_id"] for r in in_reze]
    in_nantes = requests.get(
        f"{base}/requests.json", params={"jurisdiction_id": "44109"}, timeout=10
    ).json()
    assert request_id not in [r["service_request_id"] for r in in_nantes]
    unknown = requests.get(f"{base}/requests.json", params={"jurisdiction_id": "99999"}, timeout=10)
    assert unknown.status_code == 404
