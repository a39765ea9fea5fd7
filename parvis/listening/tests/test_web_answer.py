"""Answering on a phone at /m/<code>/: one screen, no JavaScript, no cookie, counted."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from parvis.content.models import Quartier
from parvis.core.models import AddressConfirmation, OutboxMessage
from parvis.listening.models import FieldAnswer, FieldQuestion, OutcomeSubscription
from parvis.listening.tests.conftest import make_question

pytestmark = pytest.mark.django_db


def test_the_form_has_no_script_and_sets_no_cookie(client, question):
    response = client.get("/m/TEST1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert question.text in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    # The form works without JavaScript: none in the page's own content.
    assert 'type="radio"' in main and "<script" not in main
    assert not response.cookies


def test_answering_counts_and_thanks_with_the_count(client, question):
    quartier = Quartier.objects.first()
    response = client.post(
        "/m/TEST1/", {"choice": "0", "quartier": quartier.pk, "age_band": "30-44"}
    )
    assert response.status_code == 302 and response["Location"] == "/m/TEST1/merci/"
    assert not response.cookies
    answer = FieldAnswer.objects.get(question=question)
    assert (answer.channel, answer.choice, answer.quartier, answer.age_band) == (
        "web",
        0,
        quartier,
        "30-44",
    )
    thanks = client.get("/m/TEST1/merci/")
    html = thanks.content.decode()
    assert "votre réponse est comptée" in html and "1 réponse" in html
    assert 'href="/questions/TEST1/"' in html


def test_missing_or_forged_choice_is_a_form_message_not_a_500(client, question):
    for data in ({}, {"choice": "9"}, {"choice": "abc"}, {"age_band": "999"}):
        response = client.post("/m/TEST1/", data)
        assert response.status_code == 400
        assert "pas été enregistrée" in response.content.decode()
    assert not FieldAnswer.objects.exists()


def test_remarks_wait_for_moderation(client, db):
    make_question(
        code="PASS1",
        kind=FieldQuestion.Kind.CHOICE_REMARK,
        choices=["Un plateau", "Un feu"],
    )
    client.post("/m/PASS1/", {"choice": "1", "remark": "Appelez-moi au 06 12 34 56 78"})
    answer = FieldAnswer.objects.get()
    assert answer.remark_status == "pending" and answer.remark_public == ""


def test_rating_and_free_text(client, db):
    make_question(code="NOTE1", kind=FieldQuestion.Kind.RATING)
    make_question(code="LIBRE1", kind=FieldQuestion.Kind.FREE_TEXT)
    assert client.post("/m/NOTE1/", {"rating": "4"}).status_code == 302
    assert client.post("/m/NOTE1/", {"rating": "6"}).status_code == 400
    assert client.post("/m/LIBRE1/", {"remark": ""}).status_code == 400
    assert client.post("/m/LIBRE1/", {"remark": "Plus d'arbres"}).status_code == 302
    assert sorted(FieldAnswer.objects.values_list("remark_status", "rating")) == [
        ("none", 4),
        ("pending", None),
    ]


def test_closed_question_has_a_clear_page_and_no_form(client, db):
    now = timezone.now()
    make_question(
        code="FINI1",
        status=FieldQuestion.Status.CLOSED,
        opens_at=now - dt.timedelta(days=9),
        closes_at=now - dt.timedelta(days=2),
    )
    response = client.get("/m/FINI1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "est close" in html and "<form" not in html.split("<main", 1)[-1].split("</main>")[0]
    assert client.post("/m/FINI1/", {"choice": "0"}).status_code == 200
    assert not FieldAnswer.objects.exists()


def test_unknown_and_draft_codes_are_real_404s(client, db):
    make_question(code="BROUILL1", status=FieldQuestion.Status.DRAFT)
    assert client.get("/m/NOPE99/").status_code == 404
    assert client.get("/m/BROUILL1/").status_code == 404


def test_short_form_finds_a_code_typed_any_way(client, question):
    assert client.get("/m/").status_code == 200
    response = client.get("/m/", {"code": " test1 "})
    assert response.status_code == 302 and response["Location"] == "/m/TEST1/"
    missing = client.get("/m/", {"code": "ZZZ"})
    assert missing.status_code == 404 and "Aucune question" in missing.content.decode()
    assert client.get("/m/test1/").status_code == 302


def test_email_follow_up_is_confirmed_first(client, question, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/m/TEST1/", {"choice": "1", "follow_email": "ana@example.org"})
    assert response["Location"] == "/m/TEST1/merci/?suivi=courriel"
    assert OutcomeSubscription.objects.get().email == "ana@example.org"
    confirmation = AddressConfirmation.objects.get(recipient="ana@example.org")
    assert confirmation.subject == f"listening:{question.pk}" and confirmation.confirmed_at is None
    assert OutboxMessage.objects.filter(recipient="ana@example.org", topic="confirmation").exists()
    assert not response.cookies
    del mail.outbox[:]


def test_sms_follow_up_asks_the_phone_to_confirm(client, question, sms_settings):
    response = client.post("/m/TEST1/", {"choice": "0", "follow_phone": "06 11 22 33 44"})
    assert response["Location"] == "/m/TEST1/merci/?suivi=sms"
    message = OutboxMessage.objects.get(channel="sms")
    assert "TEST1 SUIVI" in message.body_text and "0611" not in message.recipient
    assert not OutcomeSubscription.objects.exists()  # nothing before the phone answers
    bad = client.post("/m/TEST1/", {"choice": "0", "follow_phone": "12"})
    assert bad.status_code == 400 and "numéro" in bad.content.decode()


def test_question_rules(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as too_long:
        make_question(code="LONG1", text="x" * 161)
    assert "text" in too_long.value.message_dict
    with pytest.raises(ValidationError) as few:
        make_question(code="CH1", kind=FieldQuestion.Kind.CHOICE, choices=["Seul"])
    assert "choices" in few.value.message_dict
    with pytest.raises(ValidationError):
        make_question(code="CH2", kind=FieldQuestion.Kind.CHOICE, choices=list("abcdefg"))
    with pytest.raises(ValidationError):
        make_question(code="bad code")
    make_question(code="DUP1")
    with pytest.raises(ValidationError) as dup:
        make_question(code="DUP1")
    assert "code" in dup.value.message_dict
    ok = make_question(code="CH3", kind=FieldQuestion.Kind.CHOICE, choices=["A  b", "a b", "C"])
    assert ok.choices == ["A b", "C"]
    assert re.fullmatch(r"/m/CH3/", ok.get_absolute_url())
