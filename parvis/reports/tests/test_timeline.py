"""The report's steps (reçu, pris en compte, planifié, résolu) on the tracking and public
pages, and no "moi aussi" on the tracking page: the tracking link is the reporter's own."""

from __future__ import annotations

import re

import pytest

from parvis.reports.services import report_update_publish
from parvis.reports.tests.factories import agent_for, make_report

pytestmark = pytest.mark.django_db


def _steps(html: str) -> list[str]:
    """Each step's text (tags stripped, spaces folded), ``[now]`` after the current one."""
    section = html.split('class="pv-report-steps__list"', 1)[1].split("</ol>", 1)[0]
    steps = []
    for item in re.findall(r"<li([^>]*)>(.*?)</li>", section, re.S):
        attrs, body = item
        text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
        steps.append(text + (" [now]" if 'aria-current="step"' in attrs else ""))
    return steps


def test_the_tracking_page_offers_no_moi_aussi_but_the_public_page_does(client):
    report = make_report()
    tracking = client.get(report.get_tracking_url()).content.decode()
    public = client.get(report.get_absolute_url()).content.decode()
    assert f"/signalements/{report.pk}/soutenir/" not in tracking
    assert "Moi aussi" not in tracking
    assert f"/signalements/{report.pk}/soutenir/" in public


def test_a_new_report_is_received_with_its_date_and_the_next_step_explained(client):
    report = make_report()
    for url in (report.get_tracking_url(), report.get_absolute_url()):
        html = client.get(url).content.decode()
        steps = _steps(html)
        assert len(steps) == 4
        assert steps[0].startswith("Reçu (étape actuelle)") and steps[0].endswith("[now]")
        assert report.created_at.strftime("%Y") in steps[0]
        assert steps[1:] == [
            "Pris en compte à venir",
            "Intervention planifiée à venir",
            "Résolu à venir",
        ]
        assert "Prochaine étape" in html and report.competent_service.name in html
        assert html.count('aria-current="step"') == 1


def test_steps_follow_the_agents_updates_with_their_dates(client):
    report = make_report()
    agent = agent_for("voirie")
    report_update_publish(report=report, agent=agent, status="planifie", message="Lundi.")
    steps = _steps(client.get(report.get_tracking_url()).content.decode())
    assert steps[0].startswith("Reçu ") and "[now]" not in steps[0]
    assert steps[1] == "Pris en compte"  # gone past without a date of its own
    assert steps[2].startswith("Intervention planifiée (étape actuelle)") and steps[2].endswith(
        "[now]"
    )
    assert steps[3] == "Résolu à venir"
    report_update_publish(report=report, agent=agent, status="resolu", message="Rebouché.")
    html = client.get(report.get_absolute_url()).content.decode()
    assert _steps(html)[3].startswith("Résolu (étape actuelle)")
    assert "Le problème est résolu" in html


def test_a_report_not_kept_ends_on_that_outcome(client):
    report = make_report()
    agent = agent_for("voirie")
    report_update_publish(
        report=report, agent=agent, status="non_retenu", message="", reason="Domaine privé."
    )
    html = client.get(report.get_tracking_url()).content.decode()
    steps = _steps(html)
    assert [s.split(" ")[0] for s in steps] == ["Reçu", "Non"]
    assert steps[1].startswith("Non retenu (étape actuelle)") and steps[1].endswith("[now]")
    assert "Domaine privé." in html
