"""Bad webhook requests get a clear 4xx and store nothing (never a 500)."""

from __future__ import annotations

import pytest
from django.conf import settings

from parvis.listening.models import FieldAnswer, InboundMessage
from parvis.listening.sms.twilio import twilio_signature
from parvis.listening.tests.fakes import TWILIO_SID, TWILIO_TOKEN

pytestmark = pytest.mark.django_db


def _signed(client, params: dict[str, str], **extra: object):
    signature = twilio_signature(
        auth_token=TWILIO_TOKEN,
        url=settings.BASE_URL + "/sms/twilio/",
        params=list(params.items()),
    )
    return client.post("/sms/twilio/", params, HTTP_X_TWILIO_SIGNATURE=signature, **extra)


def test_signed_but_incomplete_or_foreign_is_refused(client, question, sms_settings):
    assert _signed(client, {"AccountSid": TWILIO_SID, "Body": "oui"}).status_code == 403
    other = {"MessageSid": "SMx", "AccountSid": "AC" + "9" * 32, "From": "+33611", "Body": "oui"}
    assert _signed(client, other).status_code == 403
    assert client.get("/sms/twilio/").status_code == 403
    assert not InboundMessage.objects.exists() and not FieldAnswer.objects.exists()


def test_a_sender_that_is_no_phone_number_is_stored_without_a_500(client, question, sms_settings):
    params = {"MessageSid": "SMy", "AccountSid": TWILIO_SID, "From": "ORANGE", "Body": "TEST1 oui"}
    response = _signed(client, params)
    assert response.status_code == 200
    assert FieldAnswer.objects.filter(provider_message_id="SMy").count() == 1
    from parvis.core.models import OutboxMessage

    assert not OutboxMessage.objects.filter(channel="sms").exists()  # nobody to answer


def test_oversized_body_is_413(client, question, sms_settings):
    params = {"MessageSid": "SMz", "AccountSid": TWILIO_SID, "From": "+33612345678"}
    response = _signed(client, {**params, "Body": "x" * 70000})
    assert response.status_code == 413 and "error" in response.json()
    assert not InboundMessage.objects.exists()


def test_unconfigured_provider_is_404(client, settings):
    settings.PARVIS_SMS_TWILIO_AUTH_TOKEN = ""
    assert client.post("/sms/twilio/", {}).status_code == 404
