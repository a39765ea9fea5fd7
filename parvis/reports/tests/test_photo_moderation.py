"""What a report makes public, said before sending; photos held for an agent's approval when
the city chooses (``PARVIS_REPORTS_PHOTO_MODERATION``): shown nowhere public until approved."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from parvis.reports.models import Photo, Report, ReportUpdate
from parvis.reports.tests.factories import agent_for, category, jpeg_bytes

pytestmark = pytest.mark.django_db

STEP_TWO = {"category": "nid-de-poule", "lat": "47.2184", "long": "-1.5536"}


def _send_with_photo(client) -> tuple[Report, Photo]:
    data = {
        **STEP_TWO,
        "address": "3 rue Crébillon",
        "description": "Un nid-de-poule profond devant le n° 3.",
        "email": "habitant@example.test",
        "idempotency_key": str(uuid.uuid4()),
        "photo1": SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg"),
    }
    response = client.post("/signalements/nouveau/", data)
    assert response.status_code == 302
    report = Report.objects.get()
    return report, report.photos.get()


def _public_outputs(client, report: Report) -> dict[str, str]:
    """Every public output that shows a report, as text."""
    outputs = {
        "page": client.get(f"/signalements/{report.pk}/"),
        "open311": client.get(f"/open311/v2/requests/{report.pk}.json"),
        "open311 list": client.get("/open311/v2/requests.json"),
        "api": client.get(f"/api/v1/reports/{report.pk}"),
        "api list": client.get("/api/v1/reports"),
        "map": client.get("/signalements/carte.geojson"),
        "open data": client.get("/signalements/donnees.geojson"),
    }
    for name, response in outputs.items():
        assert response.status_code == 200, name
    return {
        name: b"".join(r.streaming_content).decode() if r.streaming else r.content.decode()
        for name, r in outputs.items()
    }


def _agent(client):
    agent = agent_for("voirie")
    agent.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(agent)
    return agent


@override_settings(PARVIS_REPORTS_PHOTO_MODERATION=False)
def test_the_form_says_what_will_be_public_photos_at_once(client):
    page = client.get("/signalements/nouveau/", STEP_TWO).content.decode()
    assert "Ce qui sera public" in page
    for item in ("le type de problème", "le lieu", "votre description", "vos photos"):
        assert item in page
    assert "dès l'envoi" in page and "après leur validation" not in page
    assert "Ne sera jamais public\u00a0: votre adresse électronique" in page
    # The promise is true: the photo is public as soon as the report is sent.
    report, photo = _send_with_photo(client)
    assert not photo.held
    outputs = _public_outputs(client, report)
    assert photo.token in outputs["page"] and photo.token in outputs["open311"]
    assert client.get(f"/signalements/photos/{photo.token}/grande.jpg").status_code == 200
    assert all("habitant@example.test" not in text for text in outputs.values())


@override_settings(PARVIS_REPORTS_PHOTO_MODERATION=True)
def test_the_form_says_photos_wait_for_an_agent_when_the_city_moderates_them(client):
    page = client.get("/signalements/nouveau/", STEP_TWO).content.decode()
    assert "après leur validation par un agent" in page
    assert "Elles sont publiées après validation par un agent." in page
    assert "dès l'envoi." not in page


@override_settings(PARVIS_REPORTS_PHOTO_MODERATION=True)
def test_a_held_photo_is_shown_nowhere_public_until_an_agent_approves_it(client):
    report, photo = _send_with_photo(client)
    assert photo.held
    outputs = _public_outputs(client, report)
    for name, text in outputs.items():
        assert photo.token not in text, name
    assert '"media_url": ""' in outputs["open311"].replace('":"', '": "')
    for size in ("grande", "vignette"):
        assert client.get(f"/signalements/photos/{photo.token}/{size}.jpg").status_code == 404
    # The reporter's tracking page says the photo waits; the public page says nothing of it.
    tracking = client.get(report.get_tracking_url()).content.decode()
    assert "attend la validation d'un agent" in tracking
    assert "attend la validation" not in outputs["page"]

    # The agent sees it in the back office, with its own (agents-only) address.
    _agent(client)
    inbox = client.get("/admin/signalements/", {"photos": "1"}).content.decode()
    assert f"/admin/signalements/{report.pk}/" in inbox and "photos à valider" in inbox
    detail = client.get(f"/admin/signalements/{report.pk}/").content.decode()
    assert "À valider" in detail
    assert (
        client.get(f"/admin/signalements/{report.pk}/photos/{photo.token}/grande.jpg").status_code
        == 200
    )
    client.post(f"/admin/signalements/{report.pk}/photo_approve/", {"photo": photo.token})
    photo.refresh_from_db()
    assert not photo.held
    assert ReportUpdate.objects.filter(
        report=report, public=False, message__contains="validée"
    ).exists()

    client.logout()
    outputs = _public_outputs(client, report)
    assert photo.token in outputs["page"]
    assert f"/signalements/photos/{photo.token}/grande.jpg" in outputs["open311"]
    assert client.get(f"/signalements/photos/{photo.token}/grande.jpg").status_code == 200


@override_settings(PARVIS_REPORTS_PHOTO_MODERATION=True)
def test_a_refused_photo_is_deleted_and_only_agents_can_judge(client):
    report, photo = _send_with_photo(client)
    # Neither a resident nor an agent of another service can approve it.
    client.post(f"/admin/signalements/{report.pk}/photo_approve/", {"photo": photo.token})
    other = agent_for(category("depot-sauvage").service.slug)  # not the roads service
    other.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(other)
    assert (
        client.post(
            f"/admin/signalements/{report.pk}/photo_approve/", {"photo": photo.token}
        ).status_code
        == 404
    )
    assert (
        client.get(f"/admin/signalements/{report.pk}/photos/{photo.token}/grande.jpg").status_code
        == 404
    )
    photo.refresh_from_db()
    assert photo.held
    _agent(client)
    # A token that is not one of its held photos is a message, not a 500.
    response = client.post(
        f"/admin/signalements/{report.pk}/photo_approve/", {"photo": "nope"}, follow=True
    )
    assert response.status_code == 200 and "attend plus de validation" in response.content.decode()
    client.post(f"/admin/signalements/{report.pk}/photo_refuse/", {"photo": photo.token})
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert report.description in client.get(f"/signalements/{report.pk}/").content.decode()
