"""The commitments page's figures, recomputed by hand from records with known timestamps
(across a weekend and Easter Monday 2026, a French public holiday)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from parvis.audience.commitments import (
    DEFAULT_CALENDAR,
    commitments_measure,
    percentile_nearest_rank,
    working_days_between,
)
from parvis.content.hours import PARIS
from parvis.content.models import Service
from parvis.conversation.models import Conversation, HandOff, Message
from parvis.core.models import AgentProfile
from parvis.reports.models import Category, Report, ReportUpdate
from parvis.reports.services import report_create, report_update_publish
from parvis.reports.tests.factories import agent_for

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 30, 12, 0, tzinfo=PARIS)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of April 2026 in Nantes. 3 April is a Friday, 6 April Easter Monday."""
    return dt.datetime(2026, 4, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def service() -> Service:
    return Service.objects.create(
        name="Service des essais",
        slug="essais-engagements",
        commitment_report_ack_days=2,
        commitment_report_resolution_days=5,
        commitment_question_days=5,
    )


def _report(service: Service, agent, filed, changed=None, resolved=None) -> Report:  # noqa: ANN001
    category, _ = Category.objects.get_or_create(
        code="essai-engagement", defaults={"name": "Essai", "group": "voirie", "service": service}
    )
    # Far apart: reports of one category close to each other would be merged as duplicates.
    latitude = 47.1 + 0.02 * Report.objects.filter(category=category).count()
    report, _ = report_create(
        category=category, description="Banc cassé", latitude=latitude, longitude=-1.55
    )
    Report.objects.filter(pk=report.pk).update(created_at=filed)
    for moment, status in ((changed, "pris_en_compte"), (resolved, "resolu")):
        if moment is not None:
            update = report_update_publish(report=report, agent=agent, status=status, message="Vu")
            ReportUpdate.objects.filter(pk=update.pk).update(created_at=moment)
    return report


def _question(service: Service, handed, answered=None) -> Conversation:  # noqa: ANN001
    conversation = Conversation.objects.create(service=service, status="handed_off")
    handoff = HandOff.objects.create(
        conversation=conversation, reason="search_page", service=service
    )
    HandOff.objects.filter(pk=handoff.pk).update(created_at=handed)
    if answered is not None:
        user = agent_for(service.slug, name="Léa")
        message = Message.objects.create(
            conversation=conversation,
            author="agent",
            agent=AgentProfile.objects.get(user=user),
            text="Voici la réponse.",
        )
        Message.objects.filter(pk=message.pk).update(created_at=answered)
    return conversation


@pytest.fixture
def records(service: Service) -> Service:
    agent = agent_for(service.slug)
    # Friday 16 h → Tuesday 13 h (weekend, Easter Monday): 1/8 + 4/8 = 0.625 working day;
    # resolved Thursday 17 h: 1/8 + 1 + 1 + 1 = 3.125.
    _report(service, agent, at(3, 16), at(7, 13), at(9, 17))
    # Wednesday 10 h → 12 h: 2/8 = 0.25; never resolved (overdue on 30 April).
    _report(service, agent, at(1, 10), at(1, 12))
    # Thursday 18 h (after hours) → Friday 9 h 30: 0.5/8 = 0.0625; never resolved.
    _report(service, agent, at(2, 18), at(3, 9, 30))
    # Wednesday 9 h, never answered: overdue for both.
    _report(service, agent, at(1, 9))
    # Friday 16 h 30 → Tuesday 9 h 15: 0.5/8 + 0.25/8 = 0.09375 working day.
    _question(service, at(3, 16, 30), at(7, 9, 15))
    # Handed off on 29 April at 15 h, not answered: within its five days still (pending).
    _question(service, at(29, 15))
    return service


def test_working_days_skip_nights_weekends_and_public_holidays():
    """Only office hours count, one office day being one working day."""
    assert working_days_between(at(3, 16), at(7, 13), DEFAULT_CALENDAR) == 0.625
    assert working_days_between(at(2, 18), at(3, 9, 30), DEFAULT_CALENDAR) == 0.0625
    assert working_days_between(at(4, 10), at(6, 16), DEFAULT_CALENDAR) == 0.0  # Sat → Easter Mon


def test_percentiles_by_hand():
    assert percentile_nearest_rank([0.625, 0.25, 0.0625], 90) == 0.625
    assert percentile_nearest_rank(list(range(1, 11)), 90) == 9
    assert percentile_nearest_rank([4.0], 90) == 4.0


def test_measured_figures_are_recomputed_from_the_records(records):
    """Median, 90th percentile and share within the commitment, per service and month."""
    (row,) = commitments_measure(now=NOW, service_id=records.pk)
    assert row.month == "2026-04"
    ack, resolution, question = (
        row.measures[m] for m in ("report_ack", "report_resolution", "question")
    )
    assert sorted(ack.delays) == [0.0625, 0.25, 0.625]
    assert ack.median == 0.25
    assert ack.p90 == 0.625
    assert (ack.answered, ack.overdue, ack.pending) == (3, 1, 0)
    assert ack.within_share == 75.0  # 3 within 2 days, 1 overdue
    assert resolution.delays == [3.125]
    assert (resolution.overdue, resolution.within_share) == (3, 25.0)
    assert question.delays == [0.09375]
    assert (question.pending, question.within_share) == (1, 100.0)


def test_the_public_page_and_open_data_show_the_same_figures(records):
    """/engagements/ shows the commitment beside the measure; the open data carries it too."""
    from unittest import mock

    with mock.patch("parvis.audience.commitments.timezone.now", return_value=NOW):
        page = Client().get("/engagements/")
        data = Client().get("/engagements/donnees.json")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Service des essais" in html
    assert "2 jours ouvrés" in html
    assert "75" in html and "0,25" in html
    rows = [r for r in data.json() if r["service"] == "Service des essais"]
    ack = next(r for r in rows if r["measure"] == "report_ack")
    assert ack == {
        "service": "Service des essais",
        "month": "2026-04",
        "measure": "report_ack",
        "commitment_working_days": 2,
        "answered": 3,
        "overdue": 1,
        "pending": 0,
        "median_working_days": 0.25,
        "p90_working_days": 0.62,
        "within_commitment_percent": 75.0,
    }


def test_agents_see_their_services_figures_in_both_inboxes(records, settings):
    """The reports inbox and the conversations inbox show the agent's services' measured delays
    beside their commitments, the same figures as the public page."""
    from unittest import mock

    from django.contrib.auth.models import Permission

    settings.PARVIS_REQUIRE_2FA = False
    user = agent_for(records.slug, name="Inès")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(user)
    with mock.patch("parvis.audience.commitments.timezone.now", return_value=NOW):
        for url in ("/admin/signalements/", "/admin/conversations/"):
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert "Délais de vos services" in html, url
            assert "Service des essais" in html and "0,25" in html and "75 %" in html, url


def test_a_service_calendar_of_its_own_is_used(records):
    """A service open on Saturday mornings counts those hours; its own calendar comes from the
    agents' desk (conversation's ServiceCalendar)."""
    from parvis.conversation.models import OfficeHours, ServiceCalendar

    calendar = ServiceCalendar.objects.create(service=records)
    for weekday in range(5):
        OfficeHours.objects.create(
            calendar=calendar, weekday=weekday, opens=dt.time(9), closes=dt.time(17)
        )
    OfficeHours.objects.create(calendar=calendar, weekday=5, opens=dt.time(9), closes=dt.time(12))
    (row,) = commitments_measure(now=NOW, service_id=records.pk)
    # Friday 16 h → Tuesday 13 h: 1/8 (Friday) + 3/3 (Saturday) + 4/8 (Tuesday) = 1.625.
    assert 1.625 in row.measures["report_ack"].delays
