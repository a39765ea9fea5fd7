"""What certification reads for others: bundles, key history, checkpoints, a page's versions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.conf import settings

from parvis.certification import tree
from parvis.certification.canonical import b64
from parvis.certification.keys import log_origin
from parvis.certification.models import Checkpoint, LogEntry, LogHead, SigningKey
from parvis.certification.note import verifier_key
from parvis.certification.pagecheck import statement_site
from parvis.certification.statements import rfc3339


def log_size() -> int:
    head = LogHead.objects.filter(pk=1).first()
    return head.size if head else 0


def checkpoint_latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()


def keys_document() -> dict[str, Any]:
    """The published key history (``/.well-known/parvis/keys.json``), and the origins of each
    site the city certifies (``sites``, the portal first): what a verifier pins."""
    from parvis.certification.sites import sites_document

    def moment(value: Any) -> str | None:
        return rfc3339(value) if value else None

    return {
        "origin": log_origin(),
        "keys": [
            {
                "kid": key.kid,
                "algorithm": "Ed25519",
                "public_key": b64(bytes(key.public_key)),
                "note_name": key.note_name,
                "note_verifier_key": verifier_key(key.note_name, bytes(key.public_key)),
                "valid_from": moment(key.valid_from),
                "valid_to": moment(key.valid_to),
                "revoked_from": moment(key.revoked_from),
                "revocation_reason": key.revocation_reason or None,
            }
            for key in SigningKey.objects.all()
        ],
        "sites": sites_document(),
    }


def entry_json(entry: LogEntry) -> dict[str, Any]:
    import json

    return {
        "index": entry.index,
        "statement": json.loads(bytes(entry.statement)),
        "signature": b64(bytes(entry.signature)),
        "kid": entry.kid,
        "digest": entry.digest,
    }


def bundle_for(entry: LogEntry) -> dict[str, Any]:
    """Statement, signature, inclusion proof and the latest checkpoint: verifiable offline."""
    checkpoint = checkpoint_latest()
    if checkpoint is None or checkpoint.size <= entry.index:
        raise LookupError("no checkpoint covers this entry yet")
    return {
        "format": "parvis-proof-bundle/1",
        **entry_json(entry),
        "inclusion_proof": {
            "leaf_index": entry.index,
            "tree_size": checkpoint.size,
            "hashes": [b64(h) for h in tree.inclusion_proof(entry.index, checkpoint.size)],
        },
        "checkpoint": checkpoint.note,
        "keys_url": f"{settings.BASE_URL}/.well-known/parvis/keys.json",
    }


def page_entry_latest(*, page_id: int) -> LogEntry | None:
    return LogEntry.objects.filter(subject=f"page:{page_id}").order_by("-index").first()


def entries_for_address(*, path: str, site: int, sites: Sequence[Sequence[str]]) -> list[LogEntry]:
    """Every certified version published at ``path`` on the site ``sites[site]``, newest first
    (each commune's site has its own "/demarches/"; the site of a version is the one its
    signed address names, ``pagecheck.statement_site``)."""
    entries = LogEntry.objects.filter(path=path).order_by("-index").defer("text")
    if len(sites) < 2:
        return list(entries)
    return [
        entry
        for entry in entries
        if statement_site(json.loads(bytes(entry.statement)).get("url") or "", sites) == site
    ]


def entries_for_file(*, sha256: str) -> list[LogEntry]:
    return list(LogEntry.objects.filter(file_sha256=sha256).order_by("-index"))
