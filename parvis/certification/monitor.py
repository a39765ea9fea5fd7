"""``log_check``: recompute the whole log from its entries and check every checkpoint.

For the data ethics committee or any citizen who mirrors the log: every signature, every leaf,
every stored subtree, every per-page hash chain, every checkpoint's root and signature, and a
consistency proof between each checkpoint and the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parvis.certification import merkle
from parvis.certification.models import Checkpoint, LogEntry, MerkleNode
from parvis.certification.selectors import keys_document, log_size
from parvis.certification.verify import (
    VerificationError,
    _ed25519,
    _key_usable_at,
    _public,
    _time,
    checkpoint_verify,
)


@dataclass
class CheckReport:
    entries: int = 0
    checkpoints: int = 0
    revoked_checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _seen_checkpoint(text: str, report: CheckReport) -> tuple[int, bytes] | None:
    """(size, root) of a checkpoint seen earlier (a signed note, or a monitor's state file)."""
    import json

    try:
        text = json.loads(text)["checkpoint"]
    except (ValueError, KeyError, TypeError):
        pass  # a plain signed note
    try:
        seen = checkpoint_verify(text, keys_document())
    except VerificationError as exc:
        report.problems.append(f"Point de contrôle déjà vu invalide : {exc}")
        return None
    return seen.size, seen.root


def log_check(*, since: str | None = None) -> CheckReport:
    """Verify the stored log end to end; problems are French sentences.

    ``since`` is the text of a checkpoint seen earlier (or a ``parvis monitor`` state file):
    the stored log must still contain that tree, leaf for leaf.
    """
    report = CheckReport()
    seen = _seen_checkpoint(since, report) if since is not None else None
    keys = {key["kid"]: key for key in keys_document()["keys"]}
    nodes = {
        (level, index): bytes(value)
        for level, index, value in MerkleNode.objects.values_list("level", "index", "hash")
    }
    sizes = set(Checkpoint.objects.values_list("size", flat=True))
    if seen is not None:
        sizes.add(seen[0])
    roots: dict[int, bytes] = {}
    chains: dict[str, tuple[str, int]] = {}
    compact = merkle.CompactRange()
    for entry in LogEntry.objects.order_by("index").iterator(chunk_size=2000):
        _check_entry(entry, compact.size, keys, chains, report)
        data, signature = bytes(entry.statement), bytes(entry.signature)
        for level, index, value in compact.append(merkle.leaf_hash(data + signature)):
            if nodes.get((level, index)) != value:
                report.problems.append(f"Nœud ({level}, {index}) différent du recalcul.")
        if compact.size in sizes:
            roots[compact.size] = compact.root()
        report.entries += 1
    if report.entries != log_size():
        report.problems.append("Le nombre d'entrées ne correspond pas à la taille du journal.")
    _check_checkpoints(roots, nodes, report)
    if seen is not None and seen[0] > 0 and roots.get(seen[0]) != seen[1]:
        report.problems.append(
            f"Le journal a été tronqué ou réécrit : il ne contient plus l'arbre de {seen[0]} "
            "entrées du point de contrôle déjà vu."
        )
    return report


def _check_entry(
    entry: LogEntry,
    expected_index: int,
    keys: dict,
    chains: dict[str, tuple[str, int]],
    report: CheckReport,
) -> None:
    import json

    where = f"Entrée {entry.index}"
    if entry.index != expected_index:
        report.problems.append(f"{where} : rang attendu {expected_index}.")
    data = bytes(entry.statement)
    statement = json.loads(data)
    key = keys.get(statement.get("kid"))
    try:
        valid = key is not None and _key_usable_at(key, _time(statement.get("published_at")))
        valid = valid and _ed25519(_public(key), bytes(entry.signature), data)
    except VerificationError:
        valid = False
    if not valid:
        report.problems.append(f"{where} : signature invalide.")
    previous = chains.get(entry.subject)
    expected = (previous[0] if previous else None, previous[1] + 1 if previous else 1)
    if (statement.get("previous"), statement.get("version")) != expected:
        report.problems.append(f"{where} : chaîne des versions rompue.")
    chains[entry.subject] = (entry.digest, statement.get("version"))


def _check_checkpoints(roots: dict[int, bytes], nodes: dict, report: CheckReport) -> None:
    keys = keys_document()
    subtree = merkle.subtree_from_complete(lambda level, index: nodes[(level, index)])
    previous: Checkpoint | None = None
    for checkpoint in Checkpoint.objects.order_by("size").iterator(chunk_size=2000):
        report.checkpoints += 1
        where = f"Point de contrôle {checkpoint.size}"
        if roots.get(checkpoint.size) != bytes(checkpoint.root):
            report.problems.append(f"{where} : racine différente du recalcul.")
        try:
            parsed = checkpoint_verify(checkpoint.note, keys)
            if parsed.root != bytes(checkpoint.root) or parsed.size != checkpoint.size:
                report.problems.append(f"{where} : note signée différente de la racine stockée.")
        except VerificationError:
            report.revoked_checkpoints += 1
        if previous is not None:
            try:
                proof = merkle.consistency_path(subtree, previous.size, checkpoint.size)
            except KeyError:
                proof = []
            if not merkle.verify_consistency(
                previous.size,
                checkpoint.size,
                bytes(previous.root),
                bytes(checkpoint.root),
                proof,
            ):
                report.problems.append(f"{where} : incohérent avec le point {previous.size}.")
        previous = checkpoint
