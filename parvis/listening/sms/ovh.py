"""OVHcloud SMS (a French operator many French local governments buy through their hosting
contracts): replies received on the account's callback URL, sent through the signed OVH API.

Inbound: OVHcloud calls the callback URL configured on the SMS account for each reply, with
``id``, ``senderid`` (the sender's number), ``message`` and ``date`` as query (GET) or form (POST)
parameters. The callback carries no signature; its authentication is the secret the city puts in
the URL it configures (``/sms/ovh/<PARVIS_SMS_OVH_CALLBACK_TOKEN>/``), compared in constant time.

Sending: ``POST {endpoint}/sms/{serviceName}/jobs`` with a JSON body, authenticated by OVH's
API signature: headers X-Ovh-Application (application key), X-Ovh-Consumer (consumer key),
X-Ovh-Timestamp and X-Ovh-Signature = "$1$" + SHA1_hex(application secret + "+" + consumer key +
"+" + method + "+" + full URL + "+" + body + "+" + timestamp).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import requests
from django.conf import settings
from django.http import HttpRequest

from parvis.listening.sms.base import InboundRefused, InboundSMS, SendFailed, SmsAdapter


def ovh_signature(
    *, secret: str, consumer: str, method: str, url: str, body: str, timestamp: str
) -> str:
    """OVH API's X-Ovh-Signature of one request."""
    data = "+".join([secret, consumer, method.upper(), url, body, timestamp])
    return "$1$" + hashlib.sha1(data.encode()).hexdigest()  # noqa: S324 — OVH's own scheme


class OvhAdapter(SmsAdapter):
    name = "ovh"

    def configured(self) -> bool:
        return bool(
            settings.PARVIS_SMS_OVH_CALLBACK_TOKEN
            and settings.PARVIS_SMS_OVH_APPLICATION_KEY
            and settings.PARVIS_SMS_OVH_APPLICATION_SECRET
            and settings.PARVIS_SMS_OVH_CONSUMER_KEY
            and settings.PARVIS_SMS_OVH_SERVICE_NAME
        )

    def inbound(self, request: HttpRequest, **kwargs: str) -> InboundSMS:
        token = kwargs.get("token", "")
        if not token or not hmac.compare_digest(
            token.encode(), settings.PARVIS_SMS_OVH_CALLBACK_TOKEN.encode()
        ):
            raise InboundRefused("bad callback token")
        params = request.POST if request.method == "POST" else request.GET
        message_id = params.get("id", "")
        sender = params.get("senderid", "")
        if not message_id or not sender:
            raise InboundRefused("missing fields")
        return InboundSMS(
            provider=self.name,
            message_id=message_id[:100],
            from_number=sender,
            to_number=settings.PARVIS_SMS_OVH_SENDER,
            text=params.get("message", ""),
        )

    def send(self, *, to: str, from_: str, body: str) -> str:
        endpoint = settings.PARVIS_SMS_OVH_ENDPOINT
        url = f"{endpoint}/sms/{settings.PARVIS_SMS_OVH_SERVICE_NAME}/jobs"
        payload = {
            "message": body,
            "receivers": [to],
            "charset": "UTF-8",
            "coding": "8bit",
            "priority": "high",
            # Not a commercial message: the STOP clause is ours (STOP / ARRET are honoured).
            "noStopClause": True,
        }
        sender = from_ or settings.PARVIS_SMS_OVH_SENDER
        if sender:
            payload["sender"] = sender
        else:
            payload["senderForResponse"] = True  # a number the person can answer
        body_text = json.dumps(payload, separators=(",", ":"))
        timestamp = str(int(time.time()))
        consumer = settings.PARVIS_SMS_OVH_CONSUMER_KEY
        headers = {
            "Content-Type": "application/json",
            "X-Ovh-Application": settings.PARVIS_SMS_OVH_APPLICATION_KEY,
            "X-Ovh-Consumer": consumer,
            "X-Ovh-Timestamp": timestamp,
            "X-Ovh-Signature": ovh_signature(
                secret=settings.PARVIS_SMS_OVH_APPLICATION_SECRET,
                consumer=consumer,
                method="POST",
                url=url,
                body=body_text,
                timestamp=timestamp,
            ),
        }
        try:
            response = requests.post(url, data=body_text.encode(), headers=headers, timeout=10)
        except requests.RequestException as error:
            raise SendFailed(f"ovh: {error}") from None
        if response.status_code != 200:
            raise SendFailed(f"ovh: HTTP {response.status_code}")
        answer = response.json()
        if to not in answer.get("validReceivers", [to]):
            raise SendFailed("ovh: receiver refused")
        ids = answer.get("ids") or [""]
        return str(ids[0])
