"""The Merkle tree stored in the database: every complete subtree is a ``MerkleNode`` row.

Appending a leaf writes its hash and the subtrees it completes (two rows on average); the root or
a proof for any size reads O(log n) rows in one query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db.models import Q

from parvis.certification import merkle
from parvis.certification.models import MerkleNode

T = TypeVar("T")


def _fetch(keys: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    if not keys:
        return {}
    query = Q()
    for level, index in keys:
        query |= Q(level=level, index=index)
    rows = MerkleNode.objects.filter(query).values_list("level", "index", "hash")
    found = {(level, index): bytes(value) for level, index, value in rows}
    if len(found) != len(keys):
        raise LookupError("the stored Merkle tree is missing nodes")
    return found


def append(size: int, leaf_hash: bytes) -> None:
    """Store leaf ``size`` (0-based) of a tree that has ``size`` leaves, and what it completes."""
    needed = []
    level = 0
    while size >> level & 1:
        needed.append((level, (size >> level) - 1))
        level += 1
    siblings = _fetch(set(needed))
    rows = [MerkleNode(level=0, index=size, hash=leaf_hash)]
    current = leaf_hash
    for level, index in needed:
        current = merkle.node_hash(siblings[(level, index)], current)
        rows.append(MerkleNode(level=level + 1, index=index >> 1, hash=current))
    MerkleNode.objects.bulk_create(rows)


def _subtree_reader(run: Callable[[merkle.Subtree], T]) -> T:
    """Run ``run(subtree)`` twice: once to learn which nodes it reads, once with them fetched."""
    wanted: set[tuple[int, int]] = set()

    def record(level: int, index: int) -> bytes:
        wanted.add((level, index))
        return bytes(32)

    run(merkle.subtree_from_complete(record))
    found = _fetch(wanted)
    return run(merkle.subtree_from_complete(lambda level, index: found[(level, index)]))


def root(size: int) -> bytes:
    """MTH of the first ``size`` leaves."""
    if size == 0:
        return merkle.EMPTY_ROOT
    return _subtree_reader(lambda subtree: subtree(0, size))


def inclusion_proof(index: int, size: int) -> list[bytes]:
    return _subtree_reader(lambda subtree: merkle.inclusion_path(subtree, index, size))


def consistency_proof(first: int, second: int) -> list[bytes]:
    return _subtree_reader(lambda subtree: merkle.consistency_path(subtree, first, second))
