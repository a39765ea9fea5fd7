"""The Merkle tree follows RFC 9162 §2.1, checked against a reference written from the RFC text."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parvis.certification import merkle, tree


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as RFC 9162 §2.1.1 defines it (leaves are the raw entries)."""
    if not leaves:
        return _h(b"")
    if len(leaves) == 1:
        return _h(b"\x00" + leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return _h(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]), RFC 9162 §2.1.3.1."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b), RFC 9162 §2.1.4.1."""
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return subproof(m, leaves[:k], whole) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


LEAVES = [f"entry {i}".encode() for i in range(64)]


def _subtree_for(leaves: list[bytes]) -> merkle.Subtree:
    """Proofs served from complete subtrees, as the database serves them."""
    nodes = {}
    compact = merkle.CompactRange()
    for leaf in leaves:
        for level, index, value in compact.append(merkle.leaf_hash(leaf)):
            nodes[(level, index)] = value
    return merkle.subtree_from_complete(lambda level, index: nodes[(level, index)])


SUBTREE = _subtree_for(LEAVES)


def test_roots_match_the_rfc_for_every_size_up_to_64():
    """The compact range's root equals MTH for sizes 0..64."""
    compact = merkle.CompactRange()
    assert compact.root() == mth([])
    for n, leaf in enumerate(LEAVES, start=1):
        compact.append(merkle.leaf_hash(leaf))
        assert compact.root() == mth(LEAVES[:n]) == SUBTREE(0, n)


def test_inclusion_proofs_match_and_verify_for_every_index_and_size():
    """PATH(m, D[n]) for 1 ≤ n ≤ 64 and every m: same hashes as the RFC, and they verify."""
    for n in range(1, 65):
        root = mth(LEAVES[:n])
        for m in range(n):
            proof = merkle.inclusion_path(SUBTREE, m, n)
            assert proof == path(m, LEAVES[:n])
            assert merkle.verify_inclusion(m, n, merkle.leaf_hash(LEAVES[m]), proof, root)
            assert not merkle.verify_inclusion(m, n, merkle.leaf_hash(b"forged"), proof, root)


def test_consistency_proofs_match_and_verify_for_every_pair_of_sizes():
    """PROOF(m, D[n]) for every 1 ≤ m ≤ n ≤ 64: same as the RFC, verifies, forgeries fail."""
    for n in range(1, 65):
        second = mth(LEAVES[:n])
        for m in range(1, n + 1):
            proof = merkle.consistency_path(SUBTREE, m, n)
            assert proof == subproof(m, LEAVES[:n], True)
            first = mth(LEAVES[:m])
            assert merkle.verify_consistency(m, n, first, second, proof)
            assert not merkle.verify_consistency(m, n, _h(b"other"), second, proof)
            if proof:
                forged = [*proof[:-1], _h(proof[-1])]
                assert not merkle.verify_consistency(m, n, first, second, forged)


def test_wrong_sizes_and_lengths_are_rejected():
    """An index outside the tree or a proof of the wrong length never verifies."""
    root = mth(LEAVES[:5])
    proof = path(2, LEAVES[:5])
    leaf = merkle.leaf_hash(LEAVES[2])
    assert not merkle.verify_inclusion(5, 5, leaf, proof, root)
    assert not merkle.verify_inclusion(2, 5, leaf, proof[:-1], root)
    assert not merkle.verify_inclusion(2, 5, leaf, [*proof, proof[0]], root)
    assert not merkle.verify_consistency(0, 5, root, root, [])
    assert not merkle.verify_consistency(6, 5, root, root, [])
    with pytest.raises(ValueError):
        merkle.inclusion_path(SUBTREE, 5, 5)


@given(st.integers(1, 2000), st.data())
def test_inclusion_verifies_for_random_large_trees(size, data):
    """For random sizes and indices, generated proofs lead to the reference root."""
    leaves = [i.to_bytes(4, "big") for i in range(size)]
    subtree = _subtree_for(leaves)
    index = data.draw(st.integers(0, size - 1))
    proof = merkle.inclusion_path(subtree, index, size)
    assert merkle.verify_inclusion(
        index, size, merkle.leaf_hash(leaves[index]), proof, subtree(0, size)
    )
    assert len(proof) <= size.bit_length()


@pytest.mark.django_db
def test_stored_tree_serves_the_same_proofs_as_the_rfc(empty_log):
    """Leaves appended to the database tree give RFC proofs read from stored subtrees."""
    for i, leaf in enumerate(LEAVES[:37]):
        tree.append(i, merkle.leaf_hash(leaf))
    assert tree.root(37) == mth(LEAVES[:37])
    for m in range(37):
        assert tree.inclusion_proof(m, 37) == path(m, LEAVES[:37])
    for m in range(1, 37):
        assert tree.consistency_proof(m, 37) == subproof(m, LEAVES[:37], True)
