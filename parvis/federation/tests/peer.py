"""A second fediverse server on loopback, for the tests: one actor with its own RSA key.

    python -m parvis.federation.tests.peer PORT

It serves its actor document (``/actor``, with an inbox and a shared inbox), signs requests for
real with its own, separate implementation of the cavage draft (not Parvis's), verifies the
signatures of what is delivered to its inboxes and records every delivery. Control endpoints:

- ``POST /control/sign`` ``{"url", "body", "date"?, "forge"?, "skip"?}``: the headers signing a
  POST of ``body`` to ``url`` (``forge`` signs with another key, ``skip`` leaves headers out);
- ``POST /control/keys`` ``{"keyId": pem}``: keys it trusts for incoming deliveries; any other
  keyId is fetched over HTTP from its actor document, as a fediverse server does;
- ``POST /control/post`` ``{"url", "activity", "forge"?, "unsigned"?}``: sign the activity and
  POST it to ``url`` over HTTP itself; answers ``{"status", "body"}`` of that POST;
- ``POST /control/fail`` ``{"status": 500}``: what its inboxes answer from now on (0: normal);
- ``GET /control/received``: the deliveries received, each with ``verified`` and ``error``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import urllib.error
import urllib.request
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
FORGED = rsa.generate_private_key(public_exponent=65537, key_size=2048)
STATE: dict[str, Any] = {"received": [], "keys": {}, "fail": 0, "base": ""}


def actor_document() -> dict[str, Any]:
    base = STATE["base"]
    pem = KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": f"{base}/actor",
        "type": "Person",
        "preferredUsername": "voisine",
        "inbox": f"{base}/inbox",
        "outbox": f"{base}/outbox",
        "endpoints": {"sharedInbox": f"{base}/shared-inbox"},
        "publicKey": {
            "id": f"{base}/actor#main-key",
            "owner": f"{base}/actor",
            "publicKeyPem": pem.decode(),
        },
    }


def sign(spec: dict[str, Any]) -> dict[str, str]:
    url = urlsplit(spec["url"])
    body = spec["body"].encode()
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    values = {
        "(request-target)": f"post {url.path}" + (f"?{url.query}" if url.query else ""),
        "host": url.netloc,
        "date": spec.get("date") or formatdate(usegmt=True),
        "digest": digest,
        "content-type": "application/activity+json",
    }
    names = [
        n for n in ("(request-target)", "host", "date", "digest") if n not in spec.get("skip", [])
    ]
    text = "\n".join(f"{name}: {values[name]}" for name in names).encode()
    key = FORGED if spec.get("forge") else KEY
    signature = base64.b64encode(key.sign(text, padding.PKCS1v15(), hashes.SHA256())).decode()
    headers = {"Host": values["host"], "Date": values["date"], "Digest": digest}
    headers["Signature"] = (
        f'keyId="{STATE["base"]}/actor#main-key",algorithm="rsa-sha256",'
        f'headers="{" ".join(names)}",signature="{signature}"'
    )
    return headers


def fetch_key(key_id: str) -> str | None:
    """The public key ``key_id`` names, read from its owner's actor document over HTTP."""
    request = urllib.request.Request(
        key_id.split("#", 1)[0], headers={"Accept": "application/activity+json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 — http(s) only
            document = json.loads(response.read())
    except (OSError, ValueError):
        return None
    key = document.get("publicKey") or {}
    if key.get("id") != key_id or key.get("owner") != document.get("id"):
        return None
    STATE["keys"][key_id] = key["publicKeyPem"]
    return key["publicKeyPem"]


def post(spec: dict[str, Any]) -> dict[str, Any]:
    """Sign ``spec["activity"]`` and POST it to ``spec["url"]``, as a fediverse server does."""
    body = json.dumps(spec["activity"])
    headers = {"Content-Type": "application/activity+json"}
    if not spec.get("unsigned"):
        headers.update(sign({"url": spec["url"], "body": body, "forge": spec.get("forge")}))
    headers.pop("Host", None)  # urllib sends the same one, from the URL
    request = urllib.request.Request(spec["url"], data=body.encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return {"status": response.status, "body": response.read().decode()}
    except urllib.error.HTTPError as error:
        return {"status": error.code, "body": error.read().decode()}


def verify(method: str, path: str, headers: dict[str, str], body: bytes) -> str:
    """'' when the delivery is signed by a trusted key over the usual headers, else why not."""
    raw = headers.get("signature", "")
    params = dict(part.split("=", 1) for part in raw.split(",") if "=" in part)
    params = {k.strip(): v.strip().strip('"') for k, v in params.items()}
    names = params.get("headers", "").split()
    if not {"(request-target)", "host", "date", "digest"} <= set(names):
        return "coverage"
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    if headers.get("digest") != digest:
        return "digest"
    pem = STATE["keys"].get(params.get("keyId", "")) or fetch_key(params.get("keyId", ""))
    if pem is None:
        return "unknown key"
    lines = []
    for name in names:
        value = f"{method.lower()} {path}" if name == "(request-target)" else headers.get(name, "")
        lines.append(f"{name}: {value}")
    key = serialization.load_pem_public_key(pem.encode())
    try:
        key.verify(
            base64.b64decode(params["signature"]),
            "\n".join(lines).encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature:
        return "signature"
    return ""


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, document: Any, kind: str = "application/activity+json") -> None:
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 — http.server's API
        if self.path == "/actor":
            self._send(200, actor_document())
        elif self.path == "/control/received":
            self._send(200, STATE["received"], "application/json")
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802 — http.server's API
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/control/sign":
            self._send(200, sign(json.loads(body)), "application/json")
        elif self.path == "/control/post":
            self._send(200, post(json.loads(body)), "application/json")
        elif self.path == "/control/keys":
            STATE["keys"].update(json.loads(body))
            self._send(200, {}, "application/json")
        elif self.path == "/control/fail":
            STATE["fail"] = json.loads(body)["status"]
            self._send(200, {}, "application/json")
        elif self.path in ("/inbox", "/shared-inbox"):
            if STATE["fail"]:
                self._send(STATE["fail"], {"error": "failing on purpose"})
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            error = verify("POST", self.path, headers, body)
            STATE["received"].append(
                {
                    "path": self.path,
                    "verified": not error,
                    "error": error,
                    "content_type": headers.get("content-type", ""),
                    "activity": json.loads(body),
                }
            )
            self._send(401 if error else 202, {"error": error} if error else {})
        else:
            self._send(404, {"error": "not found"})


def main() -> None:
    port = int(sys.argv[1])
    STATE["base"] = f"http://127.0.0.1:{port}"
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
