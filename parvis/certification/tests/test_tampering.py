"""Changing one byte anywhere — content, signature, proof, checkpoint — fails verification."""

from __future__ import annotations

import base64
import json
import random

import pytest

from parvis.certification.canonical import canonical
from parvis.certification.selectors import bundle_for, page_entry_latest
from parvis.certification.verify import VerificationError, bundle_verify

pytestmark = pytest.mark.django_db
TRIALS_PER_PART = 300  # 5 kinds of change: 1 500 single-byte tamperings in all


def _flip(data: bytes, rng: random.Random) -> bytes:
    position = rng.randrange(len(data))
    new = rng.choice([b for b in range(256) if b != data[position]])
    return data[:position] + bytes([new]) + data[position + 1 :]


def _tamper_statement(bundle: dict, rng: random.Random) -> dict | None:
    data = _flip(canonical(bundle["statement"]), rng)
    try:
        statement = json.loads(data.decode("utf-8"))
    except ValueError:
        return None  # not even JSON any more: rejected before any verifier sees it
    return {**bundle, "statement": statement}


def _tamper_signature(bundle: dict, rng: random.Random) -> dict:
    raw = _flip(base64.b64decode(bundle["signature"]), rng)
    return {**bundle, "signature": base64.b64encode(raw).decode()}


def _tamper_proof(bundle: dict, rng: random.Random) -> dict:
    hashes = list(bundle["inclusion_proof"]["hashes"])
    i = rng.randrange(len(hashes))
    hashes[i] = base64.b64encode(_flip(base64.b64decode(hashes[i]), rng)).decode()
    return {**bundle, "inclusion_proof": {**bundle["inclusion_proof"], "hashes": hashes}}


def _tamper_checkpoint(bundle: dict, rng: random.Random) -> dict | None:
    try:
        text = _flip(bundle["checkpoint"].encode(), rng).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return {**bundle, "checkpoint": text}


def _tamper_text(bundle: dict, rng: random.Random) -> dict:
    """Base64 text itself (signature or proof): also covers the unused bits of the last char."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
    field = rng.choice(["signature", "proof"])
    text = bundle["signature"] if field == "signature" else bundle["inclusion_proof"]["hashes"][0]
    position = rng.randrange(len(text))
    char = rng.choice([c for c in alphabet if c != text[position]])
    text = text[:position] + char + text[position + 1 :]
    if field == "signature":
        return {**bundle, "signature": text}
    hashes = [text, *bundle["inclusion_proof"]["hashes"][1:]]
    return {**bundle, "inclusion_proof": {**bundle["inclusion_proof"], "hashes": hashes}}


def test_every_single_byte_tampering_is_rejected(publish_fiche, keys):
    """1 500 random one-byte changes of a real bundle: all rejected, none accepted."""
    for n in range(3):  # a few more entries so the inclusion proof has several hashes
        publish_fiche(slug=f"tampering-{n}")
    page = publish_fiche(body="<p>Les « horaires » d’été : 9 h – 17 h.</p>")
    bundle = json.loads(json.dumps(bundle_for(page_entry_latest(page_id=page.pk))))
    keys_doc = keys()
    bundle_verify(bundle, keys_doc)  # the untouched bundle is valid
    assert bundle["inclusion_proof"]["hashes"]
    rng = random.Random(20261129)
    parts = [_tamper_statement, _tamper_signature, _tamper_proof, _tamper_checkpoint, _tamper_text]
    rejected = {part.__name__: 0 for part in parts}
    for part in parts:
        for _ in range(TRIALS_PER_PART):
            tampered = part(bundle, rng)
            if tampered is None:
                rejected[part.__name__] += 1
                continue
            with pytest.raises(VerificationError):
                bundle_verify(tampered, keys_doc)
            rejected[part.__name__] += 1
    assert sum(rejected.values()) == TRIALS_PER_PART * len(parts) >= 1000
