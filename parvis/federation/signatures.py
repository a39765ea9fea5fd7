"""HTTP Signatures as the fediverse signs its server-to-server requests (draft-cavage, v12).

Mastodon, Takahē, Pleroma and Mobilizon still speak this draft, not RFC 9421: a ``Signature``
header ``keyId="…",algorithm="rsa-sha256",headers="(request-target) host date digest",
signature="…"`` whose signature is RSASSA-PKCS1-v1_5 with SHA-256 over the lines
``name: value`` of the listed headers, ``(request-target)`` being ``<method> <path?query>``.
A body is covered through its ``Digest: SHA-256=<base64>`` header, which the receiver recomputes.

Small on purpose, on top of ``cryptography``; the tests check it against the draft's own
Appendix C vectors.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from parvis.core.errors import ParvisError

# Headers a server-to-server POST must cover, as Mastodon requires them.
REQUIRED_POST = ("(request-target)", "host", "date", "digest")
REQUIRED_GET = ("(request-target)", "host", "date")
_PARAM = re.compile(r'\s*([a-zA-Z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


class SignatureInvalid(ParvisError):
    """A request whose signature is missing, malformed, stale or wrong."""


@dataclass(frozen=True)
class SignatureParams:
    key_id: str
    algorithm: str
    headers: tuple[str, ...]
    signature: bytes


def digest_header(body: bytes) -> str:
    """The ``Digest`` header value of ``body`` (RFC 3230, SHA-256)."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def http_date(moment: datetime | None = None) -> str:
    """An IMF-fixdate, as the ``Date`` header carries it."""
    return format_datetime((moment or datetime.now(UTC)).astimezone(UTC), usegmt=True)


def signature_parse(value: str) -> SignatureParams:
    """The parameters of a ``Signature`` header; SignatureInvalid when malformed."""
    params: dict[str, str] = {}
    position = 0
    value = value.strip()
    if value.lower().startswith("signature "):  # the Authorization header's form
        value = value[len("signature ") :]
    while position < len(value):
        match = _PARAM.match(value, position)
        if match is None:
            raise SignatureInvalid("malformed Signature header", code="signature_malformed")
        params[match.group(1)] = match.group(2)
        position = match.end()
    if not params.get("keyId") or not params.get("signature"):
        raise SignatureInvalid("keyId and signature are required", code="signature_malformed")
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError:
        raise SignatureInvalid("signature is not base64", code="signature_malformed") from None
    headers = tuple(params.get("headers", "date").lower().split())
    return SignatureParams(
        key_id=params["keyId"],
        algorithm=params.get("algorithm", "rsa-sha256").lower(),
        headers=headers,
        signature=signature,
    )


def signing_string(
    *, method: str, path: str, headers: Mapping[str, str], names: tuple[str, ...]
) -> bytes:
    """The text signed: one ``name: value`` line per covered header (``headers`` lowercased)."""
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {path}")
        elif name in headers:
            lines.append(f"{name}: {headers[name]}")
        else:
            raise SignatureInvalid(f"signed header {name} is absent", code="signature_header")
    return "\n".join(lines).encode()


def sign_headers(
    *,
    method: str,
    path: str,
    host: str,
    body: bytes | None,
    key_id: str,
    private_key: rsa.RSAPrivateKey,
    date: str | None = None,
) -> dict[str, str]:
    """The headers signing a request: Host, Date, Digest (with a body) and Signature."""
    headers = {"host": host, "date": date or http_date()}
    names: tuple[str, ...] = REQUIRED_GET
    if body is not None:
        headers["digest"] = digest_header(body)
        names = REQUIRED_POST
    text = signing_string(method=method, path=path, headers=headers, names=names)
    signature = private_key.sign(text, padding.PKCS1v15(), hashes.SHA256())
    headers["signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )
    return {name.title(): value for name, value in headers.items()}


def public_key_load(pem: str) -> rsa.RSAPublicKey:
    """An RSA public key from PEM (SubjectPublicKeyInfo or PKCS#1); SignatureInvalid otherwise."""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError):
        raise SignatureInvalid("unreadable public key", code="key_unreadable") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureInvalid("only RSA keys are supported", code="key_unsupported")
    return key


def signature_verify(
    *,
    params: SignatureParams,
    method: str,
    path: str,
    headers: Mapping[str, str],
    public_key: rsa.RSAPublicKey,
) -> None:
    """Check ``params.signature`` over the request; SignatureInvalid when it does not match."""
    if params.algorithm not in ("rsa-sha256", "hs2019"):
        raise SignatureInvalid("unsupported algorithm", code="signature_algorithm")
    text = signing_string(method=method, path=path, headers=headers, names=params.headers)
    try:
        public_key.verify(params.signature, text, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SignatureInvalid("signature does not match", code="signature_wrong") from None


def date_parse(value: str) -> datetime:
    """The moment of a ``Date`` header; SignatureInvalid when unreadable."""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise SignatureInvalid("unreadable Date header", code="date_malformed") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
