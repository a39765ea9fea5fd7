"""SMS webhooks over real HTTP: the portal under gunicorn receives signed requests in each
provider's protocol; the worker's delivery reaches the providers' doubles over loopback."""

from __future__ import annotations

import json

import requests

from parvis.listening.tests.fakes import TWILIO_SID

COUNT = (
    "import json; from parvis.listening.models import FieldAnswer as A, InboundMessage as I;"
    " print(json.dumps({{'answers': A.objects.filter(provider_message_id__startswith={p!r})"
    ".count(), 'inbound': I.objects.filter(message_id__startswith={p!r}).count()}}))"
)


def _counts(sms_portal, prefix: str) -> dict[str, int]:
    return json.loads(sms_portal.python(COUNT.format(p=prefix)).splitlines()[-1])


def _twilio(sid: str, body: str, sender: str = "+33612000001") -> dict[str, str]:
    return {
        "MessageSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": TWILIO_SID,
        "From": sender,
        "To": "+33757000000",
        "Body": body,
        "NumMedia": "0",
    }


def test_signed_twilio_webhook_counts_once_and_forgeries_store_nothing(sms_portal, providers):
    good = sms_portal.twilio_post(_twilio("SMhttpA1", "VELO12 oui"))
    assert good.status_code == 200 and b"<Response>" in good.content
    replay = sms_portal.twilio_post(_twilio("SMhttpA1", "VELO12 oui"))
    assert replay.status_code == 200
    unsigned = sms_portal.twilio_post(_twilio("SMhttpA2", "VELO12 oui"), signature="")
    forged = sms_portal.twilio_post(_twilio("SMhttpA3", "VELO12 oui"), signature="bm9wZQ==")
    # Signed for other content: the body was altered on the way.
    tampered_params = _twilio("SMhttpA4", "VELO12 oui")
    from parvis.listening.sms.twilio import twilio_signature
    from parvis.listening.tests.fakes import TWILIO_TOKEN

    signature = twilio_signature(
        auth_token=TWILIO_TOKEN,
        url=sms_portal.url + "/sms/twilio/",
        params=list({**tampered_params, "Body": "VELO12 non"}.items()),
    )
    tampered = sms_portal.twilio_post(tampered_params, signature=signature)
    assert (unsigned.status_code, forged.status_code, tampered.status_code) == (403, 403, 403)
    assert _counts(sms_portal, "SMhttpA") == {"answers": 1, "inbound": 1}


def test_ovh_callback_needs_its_secret(sms_portal, providers):
    token = providers.settings_env()["PARVIS_SMS_OVH_CALLBACK_TOKEN"]
    params = {"id": "ovhhttp1", "senderid": "0033612000002", "message": "VELO12 non", "date": "x"}
    assert requests.get(f"{sms_portal.url}/sms/ovh/{token}/", params=params, timeout=60).ok
    assert requests.get(f"{sms_portal.url}/sms/ovh/{token}/", params=params, timeout=60).ok
    wrong = requests.get(f"{sms_portal.url}/sms/ovh/not-the-secret/", params=params, timeout=60)
    missing = requests.get(f"{sms_portal.url}/sms/ovh/", params=params, timeout=60)
    assert wrong.status_code == 403 and missing.status_code == 403
    assert _counts(sms_portal, "ovhhttp") == {"answers": 1, "inbound": 1}
    assert requests.post(f"{sms_portal.url}/sms/nosuch/", data={}, timeout=60).status_code == 404


def test_replies_reach_both_providers_through_the_worker(sms_portal, providers):
    providers.twilio.clear()
    providers.ovh.clear()
    token = providers.settings_env()["PARVIS_SMS_OVH_CALLBACK_TOKEN"]
    sms_portal.twilio_post(_twilio("SMhttpB1", "VELO12 peut-être", sender="+33612000003"))
    requests.post(
        f"{sms_portal.url}/sms/ovh/{token}/",
        data={"id": "ovhhttpB", "senderid": "+33612000004", "message": "VELO12 1"},
        timeout=60,
    )
    out = sms_portal.python(
        "from parvis.core.notifications import outbox_deliver; print(outbox_deliver())"
    )
    assert out.splitlines()[-1].startswith("(")
    to_twilio = [m for m in providers.twilio if m["To"] == "+33612000003"]
    to_ovh = [m for m in providers.ovh if m["receivers"] == ["+33612000004"]]
    assert to_twilio and "1 Oui, 2 Non" in to_twilio[0]["Body"]
    assert to_ovh and "comptée" in to_ovh[0]["message"]
    assert providers.refused == []
    left = sms_portal.python(
        "from parvis.listening.models import SmsContact; print(SmsContact.objects.count())"
    )
    assert left.splitlines()[-1] == "0"  # numbers erased once the replies are sent
