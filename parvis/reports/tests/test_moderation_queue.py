"""Abuse flags cannot censor: they queue a report for moderators, who alone may hide it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from parvis.reports.models import Report
from parvis.reports.tests.factories import agent_for, make_report

pytestmark = pytest.mark.django_db


def _flag_from(client, report: Report, address: str):
    return client.post(
        f"/signalements/{report.pk}/signaler-un-abus/",
        {"reason": "injurieux"},
        REMOTE_ADDR=address,
    )


def _login(client, user):
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)


def test_three_flags_from_three_addresses_leave_the_report_public(client):
    """Three residents (three source addresses) flag a report: it is still public."""
    report = make_report(description="Texte discuté PUBLIC-CANARY")
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        assert _flag_from(client, report, address).status_code == 302
    report.refresh_from_db()
    assert not report.hidden
    assert client.get(f"/signalements/{report.pk}/").status_code == 200


def test_flagged_report_waits_in_the_moderation_queue_with_its_count(client):
    """The agents' inbox shows the queue's size, and each flagged report with its count."""
    flagged, quiet = make_report(), make_report(description="Rien à redire")
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        _flag_from(client, flagged, address)
    _login(client, agent_for("voirie"))
    body = client.get("/admin/signalements/").content.decode()
    assert "1 signalement à modérer" in body
    assert "3 signalements d&#x27;abus" in body or "3 signalements d'abus" in body
    queue = client.get("/admin/signalements/?flagged=1").content.decode()
    assert f"/admin/signalements/{flagged.pk}/" in queue
    assert f"/admin/signalements/{quiet.pk}/" not in queue
    detail = client.get(f"/admin/signalements/{flagged.pk}/").content.decode()
    assert "injurieux" in detail and "Garder public" in detail


def test_moderator_hides_and_the_report_leaves_the_queue(client):
    report = make_report()
    _flag_from(client, report, "198.51.100.1")
    _login(client, agent_for("voirie"))
    client.post(f"/admin/signalements/{report.pk}/hide/", {"hidden": "1", "reason": "Injures"})
    report.refresh_from_db()
    assert report.hidden and report.hidden_reason == "Injures"
    assert (
        f"/admin/signalements/{report.pk}/"
        not in client.get("/admin/signalements/?flagged=1").content.decode()
    )


def test_moderator_keeps_it_public_and_the_queue_empties(client):
    report = make_report()
    _flag_from(client, report, "198.51.100.1")
    _login(client, agent_for("voirie"))
    client.post(f"/admin/signalements/{report.pk}/flags_dismiss/")
    report.refresh_from_db()
    assert not report.hidden
    assert report.flags.filter(reviewed_at__isnull=True).count() == 0
    assert "0 signalements à modérer" in client.get("/admin/signalements/").content.decode()
