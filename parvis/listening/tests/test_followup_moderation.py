"""Moderation of remarks and "vous avez dit, nous avons fait": certified, and sent to the
people who asked (email once confirmed, SMS unless STOP)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group, User

from parvis.certification.models import LogEntry
from parvis.core.models import AddressConfirmation, OutboxMessage
from parvis.core.notifications import address_confirm, confirmation_url, outbox_deliver
from parvis.listening.models import FieldAnswer, FieldQuestion, FollowUp
from parvis.listening.roles import PROJECT_LEADS, listening_roles_ensure
from parvis.listening.selectors import followups_public, question_results, remarks_public
from parvis.listening.services import (
    answer_web_record,
    follow_request,
    followup_publish,
    remark_approve,
    remark_reject,
    sms_receive,
)
from parvis.listening.sms.base import InboundSMS
from parvis.listening.tests.conftest import make_question

pytestmark = pytest.mark.django_db


def _remark_question() -> FieldQuestion:
    return make_question(
        code="PASS2", kind=FieldQuestion.Kind.CHOICE_REMARK, choices=["Plateau", "Feu"]
    )


def test_only_approved_redacted_remarks_are_public():
    question = _remark_question()
    kept = answer_web_record(question=question, choice=0, remark="Trop vite, moi c'est Ana")
    dropped = answer_web_record(question=question, choice=1, remark="insulte")
    waiting = answer_web_record(question=question, choice=1, remark="en attente")
    assert list(remarks_public(question=question)) == []
    remark_approve(answer=kept, public_text="Trop vite, appelez le 06 12 34 56 78")
    remark_reject(answer=dropped)
    public = list(remarks_public(question=question))
    assert public == [kept]
    assert public[0].remark_public == "Trop vite, appelez le [masqué]"
    results = question_results(question)
    assert results.total == 3 and results.counts == [("Plateau", 1), ("Feu", 2)]
    assert results.remarks == [kept] and waiting not in results.remarks
    assert ("site web", 3) in results.by_channel


def test_moderation_queue_in_the_back_office(client):
    listening_roles_ensure()
    question = _remark_question()
    answer = answer_web_record(question=question, choice=0, remark="Écrivez à a@b.fr svp")
    lead = User.objects.create_user("lead", password="x-pass-42!")
    lead.groups.add(Group.objects.get(name=PROJECT_LEADS))
    outsider = User.objects.create_user("other", password="x-pass-42!")
    client.force_login(outsider)
    assert client.get("/admin/une-minute-pour/").status_code in (302, 403)
    client.force_login(lead)
    page = client.get("/admin/une-minute-pour/")
    assert page.status_code == 200 and "Écrivez à [masqué] svp" in page.content.decode()
    client.post(
        f"/admin/une-minute-pour/remarques/{answer.pk}/",
        {"action": "approve", "public_text": "Écrivez à a@b.fr svp"},
    )
    answer.refresh_from_db()
    assert answer.remark_status == "approved" and answer.remark_public == "Écrivez à [masqué] svp"
    assert client.get("/admin/snippets/listening/fieldquestion/").status_code == 200


def test_followup_is_certified_and_sent_to_those_who_asked(
    sms_settings, django_capture_on_commit_callbacks, mailoutbox
):
    question = make_question(code="SUITE1")
    with django_capture_on_commit_callbacks(execute=True):
        follow_request(question=question, email="ana@example.org")
        follow_request(question=question, email="never@example.org")
    sms_receive(inbound=InboundSMS("twilio", "f1", "+33612121212", "+33757000000", "SUITE1 suivi"))
    sms_receive(inbound=InboundSMS("twilio", "f2", "+33613131313", "+33757000000", "SUITE1 suivi"))
    sms_receive(inbound=InboundSMS("twilio", "f3", "+33613131313", "+33757000000", "STOP"))
    outbox_deliver()
    sms_settings.twilio.clear()
    confirmation = AddressConfirmation.objects.get(recipient="ana@example.org")
    address_confirm(token=confirmation_url(confirmation).rstrip("/").rsplit("/", 1)[1])

    followup = FollowUp.objects.create(
        question=question,
        body="Une piste sera tracée au printemps.",
        author_name="Léa",
        service=question.service,
    )
    assert list(followups_public()) == []
    with django_capture_on_commit_callbacks(execute=True):
        followup_publish(followup=followup)
    followup.refresh_from_db()
    entry = LogEntry.objects.get(index=followup.entry_index)
    statement = json.loads(bytes(entry.statement))
    assert entry.subject == f"listening.followup:{followup.pk}"
    assert statement["body"] == followup.body and statement["author_name"] == "Léa"
    assert statement["service"] == question.service.name
    assert list(followups_public()) == [followup]

    outbox_deliver()
    sent_emails = [m for m in mailoutbox if "Vous avez dit" in m.subject]
    assert [m.to for m in sent_emails] == [["ana@example.org"]]
    assert OutboxMessage.objects.get(recipient="never@example.org", topic="listening").status == (
        "held"
    )
    assert [m["To"] for m in sms_settings.twilio] == ["+33612121212"]  # not the STOP number
    assert "vous avez dit, nous avons fait" in sms_settings.twilio[0]["Body"]

    # Edited after publication: signed again, as a correction; nobody is told twice.
    followup.body += " Et un double-sens."
    followup.save()
    followup_publish(followup=followup)
    followup.refresh_from_db()
    assert followup.entry_index != entry.index
    outbox_deliver()
    assert len(sms_settings.twilio) == 1
    assert FieldAnswer.objects.count() == 0


def test_a_project_lead_creates_a_question_in_the_back_office(client):
    from parvis.content.models import Service

    listening_roles_ensure()
    lead = User.objects.create_user("lead2", password="x-pass-42!")
    lead.groups.add(Group.objects.get(name=PROJECT_LEADS))
    client.force_login(lead)
    form = {
        "code": "bancs-4!",
        "text": "Des bancs ici ?",
        "kind": "choice",
        "choices": "Oui, trois\nOui, un seul\nNon",
        "address": "Place Graslin",
        "service": Service.objects.get(slug="deplacements").pk,
        "lead_name": "Léa",
        "opens_at": "2026-12-01 08:00",
        "closes_at": "2026-12-31 18:00",
        "status": "published",
    }
    bad = client.post("/admin/snippets/listening/fieldquestion/add/", {**form, "code": "bancs-4!"})
    assert bad.status_code == 200 and not FieldQuestion.objects.filter(text=form["text"]).exists()
    response = client.post(
        "/admin/snippets/listening/fieldquestion/add/", {**form, "code": "bancs 4"}
    )
    import re as _re

    errors = _re.findall(r"error-message[^>]*>(.*?)<", response.content.decode(), _re.S)
    assert response.status_code == 302, errors
    question = FieldQuestion.objects.get(code="BANCS4")
    assert question.choices == ["Oui, trois", "Oui, un seul", "Non"]
    too_many = {**form, "code": "BANCS5", "choices": "a\nb\nc\nd\ne\nf\ng"}
    assert client.post("/admin/snippets/listening/fieldquestion/add/", too_many).status_code == 200
    assert not FieldQuestion.objects.filter(code="BANCS5").exists()
