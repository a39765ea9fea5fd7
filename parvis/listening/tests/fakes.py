"""Loopback doubles of the SMS providers' send APIs, speaking their real protocols.

- Twilio: ``POST /2010-04-01/Accounts/{Sid}/Messages.json``, form body, HTTP basic auth
  (AccountSid, AuthToken); 201 with a ``sid``. A recipient in ``unsubscribed`` gets 400 with
  Twilio's error 21610.
- OVHcloud: ``POST /1.0/sms/{service}/jobs``, JSON body, X-Ovh-* headers whose signature is
  recomputed here with the application secret; 200 with ``ids`` and ``validReceivers``.

Requests that fail authentication get 401 and are not recorded.
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from parvis.listening.sms.ovh import ovh_signature

TWILIO_SID = "AC" + "0" * 30 + "11"
TWILIO_TOKEN = "twilio-test-token-1234567890abcd"
OVH_APP_KEY = "ovh-app-key"
OVH_APP_SECRET = "ovh-app-secret"
OVH_CONSUMER = "ovh-consumer-key"
OVH_SERVICE = "sms-ab12345-1"


class FakeProviders:
    def __init__(self) -> None:
        self.twilio: list[dict[str, str]] = []
        self.ovh: list[dict[str, object]] = []
        self.refused: list[str] = []
        self.unsubscribed: set[str] = set()
        self.fail_next = 0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, status: int, payload: dict[str, object]) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802 — http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with fake.lock:
                    if fake.fail_next:
                        fake.fail_next -= 1
                        return self._answer(503, {"message": "unavailable"})
                if self.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json":
                    return self._twilio(raw)
                if self.path == f"/1.0/sms/{OVH_SERVICE}/jobs":
                    return self._ovh(raw)
                return self._answer(404, {"message": "not found"})

            def _twilio(self, raw: bytes) -> None:
                expected = (
                    "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
                )
                if self.headers.get("Authorization") != expected:
                    fake.refused.append("twilio")
                    return self._answer(401, {"code": 20003, "message": "Authenticate"})
                form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                if form.get("To") in fake.unsubscribed:
                    return self._answer(400, {"code": 21610, "message": "unsubscribed"})
                with fake.lock:
                    fake.twilio.append(form)
                    sid = f"SM{len(fake.twilio):032d}"
                return self._answer(201, {"sid": sid, "status": "queued"})

            def _ovh(self, raw: bytes) -> None:
                url = f"http://127.0.0.1:{fake.port}{self.path}"
                expected = ovh_signature(
                    secret=OVH_APP_SECRET,
                    consumer=self.headers.get("X-Ovh-Consumer", ""),
                    method="POST",
                    url=url,
                    body=raw.decode(),
                    timestamp=self.headers.get("X-Ovh-Timestamp", ""),
                )
                if (
                    self.headers.get("X-Ovh-Application") != OVH_APP_KEY
                    or self.headers.get("X-Ovh-Consumer") != OVH_CONSUMER
                    or self.headers.get("X-Ovh-Signature") != expected
                ):
                    fake.refused.append("ovh")
                    return self._answer(403, {"message": "Invalid signature"})
                payload = json.loads(raw)
                with fake.lock:
                    fake.ovh.append(payload)
                    ident = len(fake.ovh)
                return self._answer(
                    200,
                    {
                        "ids": [ident],
                        "totalCreditsRemoved": 1,
                        "validReceivers": payload["receivers"],
                        "invalidReceivers": [],
                    },
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeProviders:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings_env(self) -> dict[str, str]:
        """The portal's environment pointing both providers at this double."""
        return {
            "PARVIS_SMS_TWILIO_ACCOUNT_SID": TWILIO_SID,
            "PARVIS_SMS_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "PARVIS_SMS_TWILIO_FROM": "+33757000000",
            "PARVIS_SMS_TWILIO_API_URL": self.url,
            "PARVIS_SMS_OVH_ENDPOINT": f"{self.url}/1.0",
            "PARVIS_SMS_OVH_APPLICATION_KEY": OVH_APP_KEY,
            "PARVIS_SMS_OVH_APPLICATION_SECRET": OVH_APP_SECRET,
            "PARVIS_SMS_OVH_CONSUMER_KEY": OVH_CONSUMER,
            "PARVIS_SMS_OVH_SERVICE_NAME": OVH_SERVICE,
            "PARVIS_SMS_OVH_SENDER": "NANTES",
            "PARVIS_SMS_OVH_CALLBACK_TOKEN": "ovh-callback-secret-0123456789",
            "PARVIS_SMS_NUMBER": "07 57 00 00 00",
        }
