"""Inbound SMS handled by the services, replies delivered by the outbox's worker to the
providers' loopback doubles (their real send protocols), STOP, erasure."""

from __future__ import annotations

import pytest
from django.db import connection

from parvis.core.models import OutboxMessage
from parvis.core.notifications import outbox_deliver
from parvis.listening.models import (
    FieldAnswer,
    InboundMessage,
    OutcomeSubscription,
    SmsContact,
    SmsOptOut,
)
from parvis.listening.phones import phone_hash
from parvis.listening.services import DUPLICATE, contact_erase, sms_receive
from parvis.listening.sms.base import InboundSMS

pytestmark = pytest.mark.django_db(transaction=False)
NUMBER = "+33612345678"


def sms(text: str, *, message_id: str = "SM1", provider: str = "twilio", sender: str = NUMBER):
    return InboundSMS(
        provider=provider,
        message_id=message_id,
        from_number=sender,
        to_number="+33757000000",
        text=text,
    )


def test_an_answer_is_counted_and_thanked_then_the_number_is_erased(question, sms_settings):
    assert sms_receive(inbound=sms("TEST1 oui")) == "answer"
    answer = FieldAnswer.objects.get(question=question)
    assert (answer.channel, answer.choice, answer.provider) == ("sms", 0, "twilio")
    assert answer.phone_hash == phone_hash(NUMBER)
    assert SmsContact.objects.get().number == NUMBER  # kept while the reply is due
    message = OutboxMessage.objects.get(channel="sms")
    assert NUMBER not in message.recipient and "6123" not in message.recipient
    assert outbox_deliver() == (1, 0)
    (sent,) = sms_settings.twilio
    assert sent["To"] == NUMBER and "votre réponse est comptée" in sent["Body"]
    assert not SmsContact.objects.exists()  # erased once the reply is sent


def test_a_replayed_message_counts_once(question, sms_settings):
    assert sms_receive(inbound=sms("oui", message_id="SMdup")) == "answer"
    assert sms_receive(inbound=sms("oui", message_id="SMdup")) == DUPLICATE
    assert sms_receive(inbound=sms("non", message_id="SMdup", provider="ovh")) == "answer"
    assert FieldAnswer.objects.filter(question=question).count() == 2
    assert InboundMessage.objects.count() == 2


def test_the_unique_constraint_not_a_check_refuses_a_second_row(question):
    from django.db import IntegrityError, transaction

    InboundMessage.objects.create(
        provider="twilio", message_id="X", phone_hash="h", outcome="answer"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        InboundMessage.objects.create(
            provider="twilio", message_id="X", phone_hash="h", outcome="answer"
        )
    FieldAnswer.objects.create(question=question, provider="ovh", provider_message_id="Y")
    with pytest.raises(IntegrityError), transaction.atomic():
        FieldAnswer.objects.create(question=question, provider="ovh", provider_message_id="Y")
    assert connection.vendor in ("sqlite", "postgresql")


def test_unparseable_gets_the_choices(question, sms_settings):
    assert sms_receive(inbound=sms("TEST1 peut-être bien")) == "unparsed"
    assert not FieldAnswer.objects.exists()
    outbox_deliver()
    assert "1 Oui, 2 Non" in sms_settings.twilio[0]["Body"]


def test_stop_silences_the_number_on_every_channel(question, sms_settings):
    sms_receive(inbound=sms("TEST1 oui", message_id="a"))
    sms_receive(inbound=sms("TEST1 suivi", message_id="b"))
    assert OutcomeSubscription.objects.get().number == NUMBER
    assert sms_receive(inbound=sms("STOP", message_id="c")) == "stop"
    assert SmsOptOut.objects.filter(phone_hash=phone_hash(NUMBER)).exists()
    subscription = OutcomeSubscription.objects.get()
    assert subscription.cancelled_at is not None and subscription.number == ""
    assert not SmsContact.objects.exists()
    # The replies queued before STOP are cancelled, never sent; later answers get none.
    assert outbox_deliver() == (0, 0)
    assert sms_receive(inbound=sms("TEST1 non", message_id="d", provider="ovh")) == "opted_out"
    assert FieldAnswer.objects.count() == 2  # the answer still counts
    outbox_deliver()
    assert sms_settings.twilio == [] and sms_settings.ovh == []
    assert not OutboxMessage.objects.filter(channel="sms", status="sent").exists()


def test_ovh_replies_are_signed_the_ovh_way(question, sms_settings):
    sms_receive(inbound=sms("TEST1 non", message_id="42", provider="ovh", sender="0033698765432"))
    assert outbox_deliver() == (1, 0)
    (job,) = sms_settings.ovh
    assert job["receivers"] == ["+33698765432"] and job["sender"] == "+33757000000"
    assert sms_settings.refused == []


def test_a_provider_outage_is_retried_with_backoff(question, sms_settings):
    sms_receive(inbound=sms("TEST1 oui"))
    sms_settings.fail_next = 1
    assert outbox_deliver() == (0, 1)
    message = OutboxMessage.objects.get(channel="sms")
    assert message.status == "pending" and message.next_attempt_at is not None
    assert SmsContact.objects.exists()  # still due: the number is kept
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
    assert outbox_deliver() == (1, 0)
    assert not SmsContact.objects.exists()


def test_carrier_unsubscribed_is_an_opt_out(question, sms_settings):
    sms_settings.unsubscribed.add(NUMBER)
    sms_receive(inbound=sms("TEST1 oui"))
    assert outbox_deliver() == (0, 0)
    assert OutboxMessage.objects.get(channel="sms").status == "cancelled"
    assert SmsOptOut.objects.exists() and not SmsContact.objects.exists()


def test_wrong_credentials_are_refused_by_the_double(question, sms_settings, settings):
    settings.PARVIS_SMS_TWILIO_AUTH_TOKEN = "wrong"
    sms_receive(inbound=sms("TEST1 oui"))
    assert outbox_deliver() == (0, 1)
    assert sms_settings.refused == ["twilio"] and sms_settings.twilio == []


def test_contact_erase_by_phone(question, sms_settings):
    sms_receive(inbound=sms("TEST1 oui", message_id="1"))
    sms_receive(inbound=sms("TEST1 suivi", message_id="2"))
    counts = contact_erase(phone="06 12 34 56 78")
    assert counts["subscriptions"] == 1 and counts["contacts"] == 1 and counts["answers"] == 1
    assert not FieldAnswer.objects.exclude(phone_hash="").exists()
    assert not OutcomeSubscription.objects.exists() and not SmsContact.objects.exists()
    assert outbox_deliver() == (0, 0)


def test_expired_numbers_are_erased(question, sms_settings):
    import datetime as dt

    from django.utils import timezone

    from parvis.listening.services import contacts_expire

    sms_receive(inbound=sms("TEST1 oui"))
    SmsContact.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert contacts_expire() == 1
    assert outbox_deliver() == (0, 0)  # nothing to send to any more: cancelled
    assert OutboxMessage.objects.get(channel="sms").status == "cancelled"
