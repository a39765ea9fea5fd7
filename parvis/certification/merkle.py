"""The Merkle tree of RFC 9162 §2.1: hashes, inclusion and consistency proofs, verification.

Pure functions. Proof generation takes ``subtree(a, b)``, a function returning MTH(D[a:b]) for
the subtrees the RFC's recursion asks for; ``parvis.certification.tree`` serves them from the
stored complete subtrees, so a proof costs O(log n) stored hashes, never a re-hash of the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

Subtree = Callable[[int, int], bytes]
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    """SHA-256(0x00 || leaf)."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def is_aligned(a: int, b: int) -> bool:
    """True when D[a:b] is a complete subtree: a power-of-two size starting at a multiple of it."""
    size = b - a
    return size > 0 and size & (size - 1) == 0 and a % size == 0


def subtree_from_complete(complete: Callable[[int, int], bytes]) -> Subtree:
    """MTH(D[a:b]) from ``complete(level, index)``, the stored hashes of complete subtrees."""

    def subtree(a: int, b: int) -> bytes:
        if is_aligned(a, b):
            level = (b - a).bit_length() - 1
            return complete(level, a >> level)
        k = split_point(b - a)
        return node_hash(subtree(a, a + k), subtree(a + k, b))

    return subtree


def inclusion_path(subtree: Subtree, index: int, size: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1, leaf first."""
    if not 0 <= index < size:
        raise ValueError("index outside the tree")
    path: list[bytes] = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = split_point(end - start)
        if m < k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start, m = start + k, m - k
    path.reverse()
    return path


def consistency_path(subtree: Subtree, first: int, second: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1 (empty when m == n)."""
    if not 0 < first <= second:
        raise ValueError("sizes must satisfy 0 < first <= second")
    path: list[bytes] = []
    start, end, m, whole = 0, second, first, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        path.append(subtree(start, end))
    path.reverse()
    return path


def root_from_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162 §2.1.3.2); ValueError if malformed."""
    if not 0 <= index < size:
        raise ValueError("index outside the tree")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ValueError("proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("proof too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> bool:
    """True when ``path`` proves that leaf hash ``leaf`` is entry ``index`` of tree ``root``."""
    try:
        return root_from_inclusion(index, size, leaf, path) == root
    except ValueError:
        return False


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, path: Sequence[bytes]
) -> bool:
    """True when ``path`` proves tree ``second_root`` extends ``first_root`` (§2.1.4.2)."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not path and first_root == second_root
    path = list(path)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


class CompactRange:
    """The right edge of a growing tree: appends in O(1) amortised, root of any prefix in O(log n).

    ``append`` returns the complete subtrees the new leaf finishes, as (level, index, hash), so a
    store can keep every complete subtree (what proof generation needs).
    """

    def __init__(self) -> None:
        self.size = 0
        self.stack: list[bytes] = []  # complete subtree hashes, largest first

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        index = self.size
        made = [(0, index, leaf)]
        current, level = leaf, 0
        while (index >> level) & 1:
            current = node_hash(self.stack.pop(), current)
            level += 1
            made.append((level, index >> level, current))
        self.stack.append(current)
        self.size += 1
        return made

    def root(self) -> bytes:
        if not self.stack:
            return EMPTY_ROOT
        r = self.stack[-1]
        for h in reversed(self.stack[:-1]):
            r = node_hash(h, r)
        return r
