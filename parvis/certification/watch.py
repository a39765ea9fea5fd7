"""``parvis monitor``: watch a city's log from outside and detect a truncation or a fork.

The monitor keeps, in a state file, the city's keys (pinned with ``--keys`` or trusted on first
use) and the last checkpoint it verified. Each run fetches the current checkpoint, checks its
signature with the pinned keys, and asks the server for a consistency proof (RFC 9162
§2.1.4) from the last seen tree to the new one. A smaller tree, another root at the same size or
a proof that does not verify means the log was cut or rewritten: the run fails and the state is
kept as it was, so every later run keeps failing until someone looks.
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from parvis.certification import merkle
from parvis.certification.canonical import b64, b64_strict
from parvis.certification.verify import VerificationError, checkpoint_verify

STATE_FORMAT = "parvis-monitor-state/1"
Fetch = Callable[[str], bytes]


def http_get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 — http(s) only
        return response.read()


@dataclass
class MonitorResult:
    ok: bool
    size: int = 0
    messages: list[str] = field(default_factory=list)


class MonitorError(Exception):
    """The log cannot be trusted (or reached); the message is for the person running it."""


def _key_set(keys: dict[str, Any]) -> set[tuple[str, str]]:
    return {(key["kid"], key["public_key"]) for key in keys.get("keys", [])}


def _with_revocations(pinned: dict[str, Any], served: dict[str, Any]) -> dict[str, Any]:
    """Pinned keys, with the server's revocations applied (a revocation only restricts)."""
    revoked = {
        key["kid"]: key for key in served.get("keys", []) if key.get("revoked_from") is not None
    }
    keys = []
    for key in pinned.get("keys", []):
        if key["kid"] in revoked and key.get("revoked_from") is None:
            key = {**key, "revoked_from": revoked[key["kid"]]["revoked_from"]}
        keys.append(key)
    return {**pinned, "keys": keys}


def consistent(
    *, old_size: int, old_root: bytes, new_size: int, new_root: bytes, proof: list[bytes]
) -> bool:
    """True when the tree (new_size, new_root) extends (old_size, old_root)."""
    if new_size < old_size:
        return False
    if old_size == 0:
        return True
    if new_size == old_size:
        return new_root == old_root
    return merkle.verify_consistency(old_size, new_size, old_root, new_root, proof)


def state_load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    state = json.loads(path.read_text(encoding="utf-8"))
    if state.get("format") != STATE_FORMAT:
        raise MonitorError(_("Fichier d'état illisible : %(path)s.") % {"path": path})
    return state


def state_save(path: Path, state: dict[str, Any]) -> None:
    """Write the state atomically: a reader sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(state, out, ensure_ascii=False, indent=2, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def monitor_run(
    *,
    url: str,
    state_path: Path,
    keys_path: Path | None = None,
    accept_keys: bool = False,
    fetch: Fetch = http_get,
) -> MonitorResult:
    """Check the log at ``url`` against the state in ``state_path``; update it on success."""
    base = url.rstrip("/")
    state = state_load(state_path)
    if state and state.get("url") != base:
        raise MonitorError(_("Ce fichier d'état suit un autre portail : %(url)s.") % state)
    result = MonitorResult(ok=True)
    try:
        served = json.loads(fetch(f"{base}/.well-known/parvis/keys.json"))
        text = fetch(f"{base}/transparence/checkpoint").decode("utf-8")
    except (OSError, ValueError, urllib.error.URLError) as exc:
        message = _("Portail injoignable ou réponse illisible (%(e)s).") % {"e": exc}
        raise MonitorError(message) from exc
    if keys_path is not None:
        pinned = json.loads(keys_path.read_text(encoding="utf-8"))
    elif state.get("keys") and not accept_keys:
        pinned = state["keys"]
    else:
        pinned = served
        if not state.get("keys"):
            result.messages.append(
                _("Première utilisation : clés de la Ville enregistrées (à comparer ailleurs).")
            )
    if _key_set(served) != _key_set(pinned):
        result.messages.append(
            _("Le jeu de clés publié a changé depuis celui qui est épinglé : %(kids)s.")
            % {"kids": ", ".join(sorted(kid for kid, _key in _key_set(served) ^ _key_set(pinned)))}
        )
    keys = _with_revocations(pinned, served)
    try:
        checkpoint = checkpoint_verify(text, keys)
    except VerificationError as exc:
        result.ok = False
        result.messages.append(str(exc))
        return result
    old_size = int(state.get("size", 0))
    old_root = b64_strict(state["root"]) if state.get("root") else merkle.EMPTY_ROOT
    proof: list[bytes] = []
    if 0 < old_size < checkpoint.size:
        query = urlencode({"first": old_size, "second": checkpoint.size})
        try:
            answer = json.loads(fetch(f"{base}/transparence/proof/consistency?{query}"))
            proof = [b64_strict(item) for item in answer["hashes"]]
        except (OSError, ValueError, KeyError, TypeError, urllib.error.URLError):
            proof = [b""]  # no usable proof: cannot be consistent
    if not consistent(
        old_size=old_size,
        old_root=old_root,
        new_size=checkpoint.size,
        new_root=checkpoint.root,
        proof=proof,
    ):
        result.ok = False
        result.size = checkpoint.size
        result.messages.append(
            _(
                "Le journal a été tronqué ou réécrit : %(old)s entrées vues, le point de contrôle "
                "publié en annonce %(new)s et ne les prolonge pas."
            )
            % {"old": old_size, "new": checkpoint.size}
        )
        return result
    result.size = checkpoint.size
    state_save(
        state_path,
        {
            "format": STATE_FORMAT,
            "url": base,
            "keys": keys if keys_path is None else pinned,
            "size": checkpoint.size,
            "root": b64(checkpoint.root),
            "checkpoint": text,
        },
    )
    return result
