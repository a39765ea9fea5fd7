"""The agents' inbox in the back office: scoped to their services, with public answers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from parvis.reports.models import Report
from parvis.reports.tests.factories import agent_for, make_report

pytestmark = pytest.mark.django_db


def _login(client, user):
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)


def test_inbox_lists_only_the_agents_services(client):
    """An agent of the roads service sees roads reports, not cleaning ones."""
    road = make_report(code="nid-de-poule", description="Route ROADTEXT")
    dirt = make_report(code="depot-sauvage", description="Dépôt DIRTTEXT")
    _login(client, agent_for("voirie"))
    body = client.get("/admin/signalements/").content.decode()
    assert f"/admin/signalements/{road.pk}/" in body
    assert f"/admin/signalements/{dirt.pk}/" not in body
    assert client.get(f"/admin/signalements/{dirt.pk}/").status_code == 404


def test_agent_of_another_service_cannot_post_an_update(client):
    """A POST on another service's report is a 404 and changes nothing."""
    dirt = make_report(code="depot-sauvage")
    _login(client, agent_for("voirie"))
    response = client.post(
        f"/admin/signalements/{dirt.pk}/status/", {"status": "resolu", "message": "x"}
    )
    assert response.status_code == 404
    dirt.refresh_from_db()
    assert dirt.status == Report.Status.NOUVEAU


def test_agent_answers_in_public_under_first_name(client):
    """A status change with a message appears on the public page, signed with the first name."""
    report = make_report()
    _login(client, agent_for("voirie", name="Samia"))
    client.post(
        f"/admin/signalements/{report.pk}/status/",
        {"status": "planifie", "message": "Rebouchage prévu jeudi."},
    )
    page = client.get(f"/signalements/{report.pk}/").content.decode()
    assert "Rebouchage prévu jeudi." in page
    assert "Samia, service Voirie et déplacements" in page
    assert "Planifié" in page


def test_internal_note_never_shows_publicly(client):
    """An internal note stays in the back office."""
    report = make_report()
    _login(client, agent_for("voirie"))
    client.post(f"/admin/signalements/{report.pk}/note/", {"note": "NOTE-INTERNE-42"})
    assert "NOTE-INTERNE-42" in client.get(f"/admin/signalements/{report.pk}/").content.decode()
    assert "NOTE-INTERNE-42" not in client.get(f"/signalements/{report.pk}/").content.decode()


def test_hidden_report_stays_in_the_queue(client):
    """Hiding removes a report from the public but keeps it in the agents' queue."""
    report = make_report()
    _login(client, agent_for("voirie"))
    client.post(f"/admin/signalements/{report.pk}/hide/", {"hidden": "1", "reason": "abus"})
    assert client.get(f"/signalements/{report.pk}/").status_code == 404
    assert (
        f"/admin/signalements/{report.pk}/"
        in client.get("/admin/signalements/?hidden=1").content.decode()
    )


def test_resident_without_profile_cannot_open_inbox(client, django_user_model):
    """A back-office user without services is turned away (Wagtail redirects a 403 home)."""
    user = django_user_model.objects.create_user("editor", password="x-pass-42!")
    _login(client, user)
    assert client.get("/admin/signalements/").status_code in (302, 403)
