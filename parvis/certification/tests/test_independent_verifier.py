"""A bundle served over HTTP verifies with an independent implementation of the documented format.

The verifier below imports no Parvis code: only PyNaCl, hashlib, json and base64. It follows
docs/certification.md, so it is the proof that the documentation is enough to verify.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

import requests
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey


def jcs(value) -> bytes:  # noqa: ANN001
    """RFC 8785 for statements (strings, integers, lists, objects, null; ASCII keys; no floats)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def b64d(text: str) -> bytes:
    raw = base64.b64decode(text, validate=True)
    assert base64.b64encode(raw).decode() == text, "non-canonical base64"
    return raw


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_path(index: int, size: int, leaf_hash: bytes, path: list[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2."""
    assert 0 <= index < size
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        assert sn != 0
        if fn % 2 == 1 or fn == sn:
            r = node(p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn // 2, sn // 2
        else:
            r = node(r, p)
        fn, sn = fn // 2, sn // 2
    assert sn == 0
    return r


def independent_verify(bundle: dict, keys: dict) -> None:
    """Raise AssertionError or BadSignatureError unless the bundle is valid."""
    statement = bundle["statement"]
    key = next(k for k in keys["keys"] if k["kid"] == statement["kid"])
    public = b64d(key["public_key"])
    assert hashlib.sha256(public).hexdigest()[:32] == key["kid"]
    assert key["revoked_from"] is None or statement["published_at"] < key["revoked_from"]
    signed = jcs(statement)
    signature = b64d(bundle["signature"])
    VerifyKey(public).verify(signed, signature)
    # Checkpoint: C2SP signed note, body = 3 lines, then "\n— name base64(keyhash4 || sig)\n".
    body, _, signature_lines = bundle["checkpoint"].partition("\n\n")
    body += "\n"
    origin, size, root_b64 = body.splitlines()
    assert origin == keys["origin"]
    line = re.fullmatch(r"\u2014 (\S+) (\S+)\n", signature_lines)
    name, raw = line.group(1), b64d(line.group(2))
    note_key = next(  # the checkpoint may be signed by a newer key than the statement
        k
        for k in keys["keys"]
        if k["note_name"] == name
        and k["revoked_from"] is None
        and hashlib.sha256(name.encode() + b"\n\x01" + b64d(k["public_key"])).digest()[:4]
        == raw[:4]
    )
    VerifyKey(b64d(note_key["public_key"])).verify(body.encode(), raw[4:])
    proof = bundle["inclusion_proof"]
    assert proof["tree_size"] == int(size) and proof["leaf_index"] == bundle["index"]
    leaf_hash = hashlib.sha256(b"\x00" + signed + signature).digest()
    path = [b64d(h) for h in proof["hashes"]]
    assert root_from_path(bundle["index"], int(size), leaf_hash, path) == b64d(root_b64)


def test_a_served_bundle_verifies_with_an_independent_implementation(portal_url):
    """PyNaCl + hashlib + json, following the docs, accept the bundle a page links to."""
    keys = requests.get(f"{portal_url}/.well-known/parvis/keys.json", timeout=10).json()
    html = requests.get(f"{portal_url}/demarches/", timeout=10).text
    href = re.search(r'<link rel="alternate" type="application/json"[^>]*href="([^"]+)"', html)
    bundle = requests.get(portal_url + href.group(1), timeout=10).json()
    independent_verify(bundle, keys)
    forged = {**bundle, "statement": {**bundle["statement"], "title": "Fausse déclaration"}}
    try:
        independent_verify(forged, keys)
    except BadSignatureError:
        pass
    else:
        raise AssertionError("a forged statement was accepted")
