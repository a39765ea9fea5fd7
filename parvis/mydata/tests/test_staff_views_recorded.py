"""Every staff view of a resident's email or phone is in the access log, and the resident
sees it on their "Mes données" page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from parvis.conversation.services import conversation_ask_agent, conversation_contact_set
from parvis.core.models import AccessRecord, AgentProfile
from parvis.core.personal_data import Identity
from parvis.mydata.tests.conftest import link_from_outbox
from parvis.reports.tests.factories import agent_for, make_report

pytestmark = pytest.mark.django_db


def test_opening_a_report_in_the_inbox_is_recorded_and_shown_to_the_reporter(client, settings):
    settings.PARVIS_RATELIMITS = {}
    report = make_report(code="depot-sauvage", email="vue@example.test")
    agent = agent_for("proprete-dechets", name="Sophie")
    agent.user_permissions.add(Permission.objects.get(codename="access_admin"))
    staff = client.__class__()
    staff.force_login(agent)
    staff.get(f"/admin/signalements/{report.pk}/")
    record = AccessRecord.objects.get(subject=f"report:{report.pk}")
    assert record.identity_digest == Identity.parse("vue@example.test").digest()
    assert record.staff_name == "Sophie" and record.purpose == "report"
    assert record.service_name.startswith("Propreté")

    client.post("/mes-donnees/", {"identity": "vue@example.test"})
    client.post(link_from_outbox("vue@example.test"))
    page = client.get("/mes-donnees/consulter/").content.decode()
    assert "Consulté par Sophie, service Propreté" in page
    assert "traitement du signalement" in page


def test_a_report_without_email_leaves_no_record(client):
    report = make_report()
    agent = agent_for("voirie")
    agent.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(agent)
    client.get(f"/admin/signalements/{report.pk}/")
    assert not AccessRecord.objects.exists()


def test_a_conversations_contact_shows_on_demand_and_each_showing_is_recorded(client):
    conversation, _token = conversation_ask_agent(question="Horaires de la piscine ?")
    conversation = conversation_contact_set(
        conversation=conversation, email="contact@example.test", phone="06 11 22 33 44"
    )
    agent = agent_for("voirie", name="Karim")
    AgentProfile.objects.get(user=agent).services.add(conversation.service)
    agent.user_permissions.add(Permission.objects.get(codename="access_admin"))
    agent.user_permissions.add(Permission.objects.get(codename="answer_conversation"))
    client.force_login(agent)
    url = f"/admin/conversations/{conversation.public_id}/"
    plain = client.get(url).content.decode()
    assert "contact@example.test" not in plain and "06 11 22 33 44" not in plain
    assert not AccessRecord.objects.exists()
    shown = client.get(url + "?coordonnees=1").content.decode()
    assert "contact@example.test" in shown and "06 11 22 33 44" in shown
    kinds = sorted(AccessRecord.objects.values_list("data_kind", flat=True))
    assert kinds == ["email", "phone"]
    phone = AccessRecord.objects.get(data_kind="phone")
    assert phone.identity_digest == Identity.parse("+33611223344").digest()
    assert phone.purpose == "conversation" and phone.staff_name == "Karim"
