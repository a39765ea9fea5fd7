"""Checkpoints as C2SP signed notes (c2sp.org/signed-note, c2sp.org/tlog-checkpoint).

A checkpoint body is three lines — origin, tree size, base64 root hash — each ending in a newline;
the note adds a blank line then one signature line per signer:
``— <key name> <base64(key hash (4 bytes) || Ed25519 signature of the body)>``.
The key hash is SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4].
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from parvis.certification.canonical import b64, b64_strict

ED25519 = b"\x01"
SIGNATURE_PREFIX = "\u2014 "  # em dash and a space
_NAME = re.compile(r"^[^\s+]+$")


def key_hash(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """The signed-note verifier key string ``<name>+<hex key hash>+<base64(0x01 || key)>``."""
    return f"{name}+{key_hash(name, public_key).hex()}+{b64(ED25519 + public_key)}"


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    return f"{origin}\n{size}\n{b64(root)}\n"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    body: str
    signatures: tuple[tuple[str, bytes, bytes], ...]  # (key name, key hash, signature)


def parse(text: str) -> Checkpoint:
    """Parse a signed checkpoint; ValueError when it does not follow the format exactly."""
    body, sep, sigs = text.partition("\n\n")
    if not sep or not sigs.endswith("\n"):
        raise ValueError("not a signed note")
    lines = body.split("\n")
    if len(lines) < 3:
        raise ValueError("checkpoint body too short")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not origin or not re.fullmatch(r"0|[1-9][0-9]{0,19}", size_text):
        raise ValueError("bad origin or size")
    root = b64_strict(root_text)
    if len(root) != 32:
        raise ValueError("bad root hash")
    signatures = []
    for line in sigs[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise ValueError("bad signature line")
        name, space, value = line[len(SIGNATURE_PREFIX) :].partition(" ")
        if not space or not _NAME.match(name):
            raise ValueError("bad signature line")
        raw = b64_strict(value)
        if len(raw) < 5:
            raise ValueError("bad signature")
        signatures.append((name, raw[:4], raw[4:]))
    return Checkpoint(origin, int(size_text), root, body + "\n", tuple(signatures))


def sign_line(name: str, public_key: bytes, signature: bytes) -> str:
    return f"{SIGNATURE_PREFIX}{name} {b64(key_hash(name, public_key) + signature)}\n"
