"""A small OpenID provider on loopback, for the SSO tests: ProConnect's protocol, on demand wrong.

    python -m parvis.staff.tests.oidc_provider PORT

Authorization-code flow with PKCE (S256), RS256 ID tokens, a JWKS, userinfo and end-session.
``POST /scenario`` (JSON ``{"name": ..., "email": ..., "acr": ...}``) sets how the next ID
tokens are made, so that a test can make the provider misbehave in one precise way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)
CLIENT_ID = "parvis-test"
CLIENT_SECRET = "secret-de-test"
STATE: dict[str, Any] = {"scenario": {"name": "ok"}, "codes": {}, "tokens": {}}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def id_token(issuer: str, nonce: str) -> str:
    scenario = STATE["scenario"]
    name = scenario.get("name", "ok")
    now = int(time.time())
    claims = {
        "iss": "https://ailleurs.example" if name == "wrong_iss" else issuer,
        "aud": "un-autre-client" if name == "wrong_aud" else CLIENT_ID,
        "sub": "agent-42",
        "iat": now - 7200 if name == "expired" else now,
        "exp": now - 3600 if name == "expired" else now + 60,
        "nonce": "un-autre-nonce" if name == "bad_nonce" else nonce,
        "acr": scenario.get("acr", "eidas1"),
    }
    if name == "alg_none":
        header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        return f"{header}.{b64url(json.dumps(claims).encode())}."
    if name == "hs256_public_key":  # algorithm confusion: HMAC keyed with the public key
        header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
        body = f"{header}.{b64url(json.dumps(claims).encode())}"
        signature = hmac.new(PUBLIC_PEM, body.encode(), hashlib.sha256).digest()
        return f"{body}.{b64url(signature)}"
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "k1"})


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(
        self,
        status: int,
        body: Any = None,
        location: str = "",
        raw: bytes = b"",
        content_type: str = "application/json",
    ) -> None:
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        payload = raw or (json.dumps(body).encode() if body is not None else b"")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _issuer(self) -> str:
        return f"http://{self.headers['Host']}"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/jwks":
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
            self._send(200, {"keys": [jwk | {"kid": "k1", "alg": "RS256", "use": "sig"}]})
        elif url.path == "/authorize":
            if query.get("client_id") != CLIENT_ID:
                return self._send(400, {"error": "unauthorized_client"})
            code = secrets.token_urlsafe(16)
            STATE["codes"][code] = query
            state = (
                "etat-falsifie" if STATE["scenario"].get("name") == "bad_state" else query["state"]
            )
            target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': state})}"
            self._send(302, location=target)
        elif url.path == "/userinfo":
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in STATE["tokens"]:
                return self._send(401, {"error": "invalid_token"})
            email = STATE["scenario"].get("email", "claire@example.org")
            other = STATE["scenario"].get("name") == "userinfo_other_sub"
            claims = {"sub": "agent-43" if other else "agent-42", "email": email}
            if STATE["scenario"].get("userinfo") == "jwt":  # as ProConnect answers
                claims |= {"iss": self._issuer(), "aud": CLIENT_ID}
                signed = jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "k1"})
                return self._send(200, raw=signed.encode(), content_type="application/jwt")
            self._send(200, claims)
        elif url.path == "/session/end":
            self._send(200, {"ended": True})
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length).decode()
        if self.path == "/scenario":
            STATE["scenario"] = json.loads(raw)
            return self._send(200, STATE["scenario"])
        if self.path != "/token":
            return self._send(404, {"error": "not_found"})
        form = {k: v[0] for k, v in parse_qs(raw).items()}
        request = STATE["codes"].pop(form.get("code", ""), None)
        if request is None or form.get("client_secret") != CLIENT_SECRET:
            return self._send(400, {"error": "invalid_grant"})
        verifier = form.get("code_verifier", "")
        if b64url(hashlib.sha256(verifier.encode()).digest()) != request.get("code_challenge"):
            return self._send(400, {"error": "invalid_grant", "error_description": "PKCE"})
        access = secrets.token_urlsafe(16)
        STATE["tokens"][access] = True
        token = id_token(self._issuer(), request.get("nonce", ""))
        self._send(200, {"access_token": access, "token_type": "Bearer", "id_token": token})


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
