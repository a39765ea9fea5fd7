"""Twilio: webhooks signed with X-Twilio-Signature, replies through its Messages REST API.

Signature (twilio.com/docs/usage/security): base64 of HMAC-SHA1, keyed with the account's auth
token, over the full URL Twilio called followed by every POST parameter's name and value,
sorted by name. Sending: ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` (form
fields To, From, Body) with HTTP basic auth (AccountSid, AuthToken); 201 with the message's
``sid``. Error 21610 means the recipient replied STOP to the carrier: never retried.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import requests
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from parvis.listening.sms.base import (
    InboundRefused,
    InboundSMS,
    RecipientRefused,
    SendFailed,
    SmsAdapter,
)

UNSUBSCRIBED_RECIPIENT = 21610


def twilio_signature(*, auth_token: str, url: str, params: list[tuple[str, str]]) -> str:
    """The X-Twilio-Signature of a POST to ``url`` with form ``params``."""
    data = url + "".join(f"{name}{value}" for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class TwilioAdapter(SmsAdapter):
    name = "twilio"

    def configured(self) -> bool:
        return bool(
            settings.PARVIS_SMS_TWILIO_ACCOUNT_SID and settings.PARVIS_SMS_TWILIO_AUTH_TOKEN
        )

    def inbound(self, request: HttpRequest, **kwargs: str) -> InboundSMS:
        signature = request.headers.get("X-Twilio-Signature", "")
        if request.method != "POST" or not signature:
            raise InboundRefused("unsigned")
        params = [(k, v) for k in request.POST for v in request.POST.getlist(k)]
        expected = twilio_signature(
            auth_token=settings.PARVIS_SMS_TWILIO_AUTH_TOKEN,
            url=self.public_url(request),
            params=params,
        )
        if not hmac.compare_digest(expected, signature):
            raise InboundRefused("bad signature")
        if request.POST.get("AccountSid", "") != settings.PARVIS_SMS_TWILIO_ACCOUNT_SID:
            raise InboundRefused("another account")
        message_id = request.POST.get("MessageSid") or request.POST.get("SmsMessageSid") or ""
        sender = request.POST.get("From", "")
        if not message_id or not sender:
            raise InboundRefused("missing fields")
        return InboundSMS(
            provider=self.name,
            message_id=message_id[:100],
            from_number=sender,
            to_number=request.POST.get("To", ""),
            text=request.POST.get("Body", ""),
        )

    def acknowledge(self) -> HttpResponse:
        # An empty TwiML document: Twilio sends nothing back; replies go through the outbox.
        return HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
            content_type="text/xml",
        )

    def send(self, *, to: str, from_: str, body: str) -> str:
        sid = settings.PARVIS_SMS_TWILIO_ACCOUNT_SID
        url = f"{settings.PARVIS_SMS_TWILIO_API_URL}/2010-04-01/Accounts/{sid}/Messages.json"
        data = {"To": to, "Body": body}
        if settings.PARVIS_SMS_TWILIO_MESSAGING_SERVICE_SID:
            data["MessagingServiceSid"] = settings.PARVIS_SMS_TWILIO_MESSAGING_SERVICE_SID
        else:
            data["From"] = from_ or settings.PARVIS_SMS_TWILIO_FROM
        try:
            response = requests.post(
                url,
                data=data,
                auth=(sid, settings.PARVIS_SMS_TWILIO_AUTH_TOKEN),
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise SendFailed(f"twilio: {error}") from None
        if response.status_code in (200, 201):
            return str(response.json().get("sid", ""))
        code = None
        try:
            code = response.json().get("code")
        except ValueError:
            pass
        if code == UNSUBSCRIBED_RECIPIENT:
            raise RecipientRefused("twilio: recipient unsubscribed (21610)")
        raise SendFailed(f"twilio: HTTP {response.status_code} code {code}")
