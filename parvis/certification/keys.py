"""The city's Ed25519 signing key: loaded from outside the database, registered by its public half.

The private key comes from ``PARVIS_SIGNING_KEY`` (base64 of the 32-byte seed) or the file
``PARVIS_SIGNING_KEY_FILE``. Outside HTTPS (demo, tests) a missing file is created on first use;
in production a missing key is an error, never a silent "unsigned" publication.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.certification.canonical import b64_strict
from parvis.certification.models import SigningKey
from parvis.core.errors import ParvisError


class SigningKeyError(ParvisError):
    status_code = 500


_cache: dict[tuple[str, float], Ed25519PrivateKey] = {}


def kid_for(public_key: bytes) -> str:
    """A key's identifier: the first 128 bits of SHA-256(public key), in hex."""
    return hashlib.sha256(public_key).hexdigest()[:32]


def log_origin() -> str:
    """The log's name in checkpoints: ``<host>/parvis/log`` unless PARVIS_LOG_ORIGIN says else."""
    configured = getattr(settings, "PARVIS_LOG_ORIGIN", "")
    if configured:
        return configured
    host = settings.BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"{host}/parvis/log"


def key_file() -> Path:
    return Path(settings.PARVIS_SIGNING_KEY_FILE)


def key_configured() -> bool:
    return bool(os.environ.get("PARVIS_SIGNING_KEY")) or key_file().exists()


def seed_write(path: Path, seed: bytes) -> None:
    """Write a seed readable by its owner only (created with mode 0600, never wider)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(seed).decode() + "\n")
    os.replace(tmp, path)


def _seed_from(text: str) -> bytes:
    try:
        seed = b64_strict(text.strip())
    except ValueError:
        seed = b""
    if len(seed) != 32:
        raise SigningKeyError(_("La clé de signature n'est pas une graine Ed25519 valide."))
    return seed


def private_key() -> Ed25519PrivateKey:
    """The configured signing key (generated in var/ on first use outside HTTPS)."""
    env = os.environ.get("PARVIS_SIGNING_KEY", "")
    if env:
        source, stamp, text = "env:" + hashlib.sha256(env.encode()).hexdigest(), 0.0, env
    else:
        path = key_file()
        if not path.exists():
            if settings.HTTPS:
                raise SigningKeyError(
                    _("Aucune clé de signature : lancez « parvis keys_init » (HTTPS).")
                )
            seed_write(path, secrets.token_bytes(32))
        source, stamp = str(path), path.stat().st_mtime
        cached = _cache.get((source, stamp))
        if cached is not None:
            return cached
        text = path.read_text()
    cached = _cache.get((source, stamp))
    if cached is None:
        cached = Ed25519PrivateKey.from_private_bytes(_seed_from(text))
        _cache.clear()
        _cache[(source, stamp)] = cached
    return cached


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def forget_cached_keys() -> None:
    """After a rotation or revocation in this process, re-read the key rows."""
    _rows.clear()
    _cache.clear()


def key_register(*, public_key: bytes) -> SigningKey:
    """The DB row of ``public_key``, created (and the previous current key closed) if new."""
    kid = kid_for(public_key)
    row = SigningKey.objects.filter(kid=kid).first()
    if row is not None:
        return row
    now = timezone.now()
    SigningKey.objects.filter(valid_to__isnull=True).update(valid_to=now)
    return SigningKey.objects.create(
        kid=kid, public_key=public_key, note_name=log_origin(), valid_from=now
    )


_rows: dict[bytes, tuple[float, SigningKey]] = {}
ROW_CACHE_SECONDS = 5.0  # a revocation made by another process is seen within 5 s


def signer() -> tuple[Ed25519PrivateKey, SigningKey]:
    """The private key and its registered public row, ready to sign."""
    key = private_key()
    public = public_bytes(key)
    cached = _rows.get(public)
    if cached is not None and time.monotonic() - cached[0] < ROW_CACHE_SECONDS:
        row = cached[1]
    else:
        row = key_register(public_key=public)
        _rows.clear()
        _rows[public] = (time.monotonic(), row)
    if row.revoked_from is not None or row.valid_to is not None:
        raise SigningKeyError(_("La clé de signature configurée est révoquée ou retirée."))
    return key, row
