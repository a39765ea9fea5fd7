"""Street answers in "Mes données": SMS answers found by the number's hash (recomputed from the
number the person proves), what they produced, the erasure (answers stay counted, a STOP
stays as a hash), and the email of a web follow-up tied to the question only."""

from __future__ import annotations

import pytest

from parvis.core.personal_data import Identity, erase_everywhere, export_rows, held_items
from parvis.listening.models import FieldAnswer, FollowUp, OutcomeSubscription, SmsOptOut
from parvis.listening.phones import phone_hash, phone_normalise
from parvis.listening.services import (
    answer_web_record,
    follow_request,
    followup_publish,
    sms_receive,
)
from parvis.listening.sms.base import InboundSMS

pytestmark = pytest.mark.django_db
NUMBER = "+33611223344"


def _sms(text: str, message_id: str) -> InboundSMS:
    return InboundSMS(
        provider="twilio",
        message_id=message_id,
        from_number="06 11 22 33 44",
        to_number="+33757000000",
        text=text,
    )


def _labels(identity: Identity, category: str) -> list[list[str]]:
    return [
        [o.label for o in item.outcomes]
        for item in held_items(identity)
        if item.category == category
    ]


def test_sms_answers_are_found_by_the_number_with_what_they_produced(question, sms_settings):  # noqa: ANN001
    before = FollowUp.objects.create(
        question=question, body="Une première étape.", author_name="Léa", service=question.service
    )
    followup_publish(followup=before)
    assert sms_receive(inbound=_sms("TEST1 non", "m1")) == "answer"
    after = FollowUp.objects.create(
        question=question, body="Le plateau est posé.", author_name="Léa", service=question.service
    )
    followup_publish(followup=after)
    phone = Identity.parse("+33 6 11 22 33 44")
    (answer,) = _labels(phone, "listening.answers")
    assert "Comptée dans les résultats de la question TEST1" in answer
    assert "Résultats en direct : 1 réponse" in answer
    # The follow-up it counted in, not the one published before it was given.
    assert any("Le plateau est posé." in label for label in answer)
    assert not any("Une première étape." in label for label in answer)
    assert export_rows(phone)["listening.answers"][0]["reponse"] == "Non"
    assert held_items(Identity.parse("+33 6 99 99 99 99")) == []


def test_erasure_keeps_the_count_and_the_stop(question, sms_settings):  # noqa: ANN001
    sms_receive(inbound=_sms("TEST1 oui", "m1"))
    sms_receive(inbound=_sms("TEST1 suivi", "m2"))
    sms_receive(inbound=_sms("STOP", "m3"))
    phone = Identity.parse(NUMBER)
    report = erase_everywhere(phone)
    assert report.anonymised["listening.answers"] == 1
    assert any("STOP reste enregistré" in text for text in report.kept)
    assert FieldAnswer.objects.filter(question=question).count() == 1
    assert not FieldAnswer.objects.exclude(phone_hash="").exists()
    assert not OutcomeSubscription.objects.exists()
    assert SmsOptOut.objects.filter(phone_hash=phone_hash(NUMBER)).exists()  # never texted again


def test_a_web_follow_up_is_tied_to_the_question_not_to_the_answer(question):  # noqa: ANN001
    answer_web_record(question=question, choice=0)
    follow_request(question=question, email="suivi@example.test")
    email = Identity.parse("Suivi@Example.test")
    (item,) = [i for i in held_items(email) if i.category == "listening.subscriptions"]
    assert item.title.startswith("Suivi demandé — Question de terrain TEST1")
    assert item.details["Adresse confirmée"] == "non"
    assert not [i for i in held_items(email) if i.category == "listening.answers"]
    erase_everywhere(email)
    assert not OutcomeSubscription.objects.exists()
    assert FieldAnswer.objects.filter(question=question).count() == 1


@pytest.mark.parametrize("raw", ["06 39 01 18 97", "07 00 12 34 56", "0033 6 12 34 56 78"])
def test_a_number_the_sms_channel_accepts_is_one_mes_donnees_accepts(raw):
    # "06 39 …" has the right length but is in a range phonenumbers does not list as assigned:
    # the SMS channel accepted it (CI once drew one at random), so "Mes données" must find it.
    assert Identity.parse(raw) == Identity("phone", phone_normalise(raw))
