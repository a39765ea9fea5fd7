"""Offline verification of a proof bundle against the published keys — no trust in the server.

Used by ``parvis verify`` and the verify page; depends only on the bundle, the keys document and
the pure modules (canonical, merkle, note). Messages are French: they are shown to residents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from parvis.certification import merkle, note
from parvis.certification.canonical import b64_strict, canonical


class VerificationError(Exception):
    """The bundle does not prove what it claims; the message says why, in French."""


@dataclass(frozen=True)
class Verified:
    statement: dict[str, Any]
    index: int
    tree_size: int
    kid: str


def _time(text: Any) -> dt.datetime:
    if not isinstance(text, str) or not text.endswith("Z"):
        raise VerificationError("Date illisible.")
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise VerificationError("Date illisible.") from exc


def _key_usable_at(key: dict[str, Any], moment: dt.datetime | None) -> bool:
    """A key signs validly from valid_from to valid_to, and never from revoked_from on.

    ``moment`` None (a checkpoint carries no date): only keys never revoked are accepted.
    """
    revoked = key.get("revoked_from")
    if moment is None:
        return revoked is None
    if moment < _time(key["valid_from"]):
        return False
    if key.get("valid_to") and moment > _time(key["valid_to"]):
        return False
    return revoked is None or moment < _time(revoked)


def _public(key: dict[str, Any]) -> bytes:
    try:
        raw = b64_strict(key["public_key"])
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError("Clé publique illisible.") from exc
    if len(raw) != 32 or hashlib.sha256(raw).hexdigest()[:32] != key.get("kid"):
        raise VerificationError("Clé publique incohérente avec son identifiant.")
    return raw


def _ed25519(public: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def checkpoint_verify(text: str, keys: dict[str, Any]) -> note.Checkpoint:
    """Parse ``text`` and check one signature by a published, unrevoked key of the log."""
    try:
        checkpoint = note.parse(text)
    except ValueError as exc:
        raise VerificationError("Point de contrôle mal formé.") from exc
    if checkpoint.origin != keys.get("origin"):
        raise VerificationError("Le point de contrôle vient d'un autre journal.")
    for name, key_hash, signature in checkpoint.signatures:
        for key in keys.get("keys", []):
            public = _public(key)
            if name != key.get("note_name") or note.key_hash(name, public) != key_hash:
                continue
            if not _key_usable_at(key, None):
                continue
            if _ed25519(public, signature, checkpoint.body.encode()):
                return checkpoint
    raise VerificationError("Le point de contrôle n'est pas signé par une clé valide de la Ville.")


def bundle_verify(bundle: dict[str, Any], keys: dict[str, Any]) -> Verified:
    """Check the statement's signature and its inclusion in a signed checkpoint."""
    try:
        statement = bundle["statement"]
        signature = b64_strict(bundle["signature"])
        index = bundle["index"]
        proof = bundle["inclusion_proof"]
        path = [b64_strict(item) for item in proof["hashes"]]
        tree_size = proof["tree_size"]
        checkpoint_text = bundle["checkpoint"]
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError("Preuve incomplète ou mal formée.") from exc
    if not isinstance(statement, dict) or not all(
        isinstance(value, int) and not isinstance(value, bool) for value in (index, tree_size)
    ):
        raise VerificationError("Preuve mal formée.")
    if proof.get("leaf_index", index) != index or bundle.get(
        "kid", statement.get("kid")
    ) != statement.get("kid"):
        raise VerificationError("Preuve incohérente.")
    key = next((k for k in keys.get("keys", []) if k.get("kid") == statement.get("kid")), None)
    if key is None:
        raise VerificationError("La clé qui a signé n'est pas une clé publiée par la Ville.")
    if not _key_usable_at(key, _time(statement.get("published_at"))):
        raise VerificationError("La clé n'était pas valide (ou était révoquée) à cette date.")
    try:
        data = canonical(statement)
    except Exception as exc:  # noqa: BLE001 — any unserialisable value is a malformed bundle
        raise VerificationError("Déclaration mal formée.") from exc
    if len(signature) != 64 or not _ed25519(_public(key), signature, data):
        raise VerificationError("La signature ne correspond pas au contenu : il a été modifié.")
    checkpoint = checkpoint_verify(checkpoint_text, keys)
    if checkpoint.size != tree_size:
        raise VerificationError("La preuve ne correspond pas au point de contrôle.")
    leaf = merkle.leaf_hash(data + signature)
    if not merkle.verify_inclusion(index, tree_size, leaf, path, checkpoint.root):
        raise VerificationError("La preuve d'inclusion dans le journal est fausse.")
    return Verified(statement=statement, index=index, tree_size=tree_size, kid=statement["kid"])
