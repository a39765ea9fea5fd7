"""Canonical bytes, digests, strict base64, and text normalisation shared by signer and verifier."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from typing import Any

import rfc8785


def canonical(value: Any) -> bytes:
    """RFC 8785 (JSON Canonicalization Scheme) bytes of ``value``."""
    return rfc8785.dumps(value)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64_strict(text: str) -> bytes:
    """Standard padded base64, rejecting any other spelling of the same bytes.

    A lenient decoder ignores the unused low bits of the last character; a tampered character
    there would decode to the same bytes and go unnoticed.
    """
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise ValueError("invalid base64") from exc
    if base64.b64encode(data).decode("ascii") != text:
        raise ValueError("non-canonical base64")
    return data


_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "«": '"', "»": '"', "“": '"', "”": '"'})
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_tokens(text: str) -> list[str]:
    """Words of ``text`` for quote matching: lower case, no accents, punctuation and quotes dropped.

    "L’accueil  est « ouvert »" and "l'accueil est ouvert" give the same tokens.
    """
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return [token for token in _NON_WORD.split(text) if token]


def normalise(text: str) -> str:
    """The normalised form stored in the quote index: tokens joined by one space, padded."""
    return " " + " ".join(normalise_tokens(text)) + " "
