"""The Merkle tree and its proofs against an independent, literal RFC 6962 reference."""

from __future__ import annotations

import hashlib
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_testkit import Reference

from channelwatch.ledger import merkle
from channelwatch.ledger.proofs import root_from_inclusion, verify_consistency, verify_inclusion


def entries_for(n: int, salt: int) -> list[bytes]:
    return [f"{salt}:{i}".encode() for i in range(n)]


def complete_from(leaves: list[bytes]) -> merkle.CompleteHash:
    def complete(level: int, index: int) -> bytes:
        return merkle.hash_up(leaves[index << level : (index + 1) << level])

    return complete


sizes = st.integers(min_value=1, max_value=700)
salts = st.integers(min_value=0, max_value=1000)


def test_known_answer_vectors() -> None:
    # Fixed values: the empty tree is SHA-256 of nothing; a one-leaf tree is its leaf hash.
    assert merkle.EMPTY_ROOT.hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert merkle.root_from_peaks([merkle.leaf_hash(b"")]) == hashlib.sha256(b"\x00").digest()
    three = [b"a", b"b", b"c"]
    left = merkle.node_hash(merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b"))
    assert Reference(three).mth() == merkle.node_hash(left, merkle.leaf_hash(b"c"))


@settings(max_examples=150, deadline=None)
@given(n=sizes, salt=salts)
def test_frontier_levels_and_ranges_give_the_reference_root(n: int, salt: int) -> None:
    d = entries_for(n, salt)
    ref = Reference(d)
    leaves = merkle.leaf_hashes(d)
    peaks: list[bytes] = []
    size, stored = merkle.append_leaves(0, peaks, leaves)
    assert size == n
    assert len(peaks) == bin(n).count("1")
    assert merkle.root_from_peaks(peaks) == ref.mth()
    assert merkle.reduce_levels(list(leaves), 0, 0) == ref.mth()
    assert merkle.range_hash(0, n, complete_from(leaves)) == ref.mth()
    # Every stored interior node is the complete subtree it claims to be, and none is missing.
    assert len(stored) == n // 256 + n // 65536
    for level, index, h in stored:
        assert h == ref.mth(index << level, (index + 1) << level)


@settings(max_examples=100, deadline=None)
@given(n=sizes, salt=salts, data=st.data())
def test_frontier_built_in_batches_matches_one_batch(
    n: int, salt: int, data: st.DataObject
) -> None:
    leaves = merkle.leaf_hashes(entries_for(n, salt))
    cut = data.draw(st.integers(0, n))
    peaks: list[bytes] = []
    size, _first = merkle.append_leaves(0, peaks, leaves[:cut])
    size, _second = merkle.append_leaves(size, peaks, leaves[cut:])
    whole: list[bytes] = []
    merkle.append_leaves(0, whole, leaves)
    assert peaks == whole
    assert merkle.root_from_peaks(peaks) == Reference(entries_for(n, salt)).mth(0, size)


@settings(max_examples=100, deadline=None)
@given(
    cuts=st.lists(st.integers(0, 1500), max_size=6),
    n=st.integers(0, 1500),
    salt=salts,
)
def test_batched_frontier_update_equals_leaf_by_leaf(cuts: list[int], n: int, salt: int) -> None:
    """The level-at-a-time merge gives the same peaks and stored nodes as adding one leaf at a
    time, over any split of the leaves into commits (including empty ones)."""
    leaves = merkle.leaf_hashes(entries_for(n, salt))
    bounds = [0, *sorted(min(c, n) for c in cuts), n]
    fast: list[bytes] = []
    slow: list[bytes] = []
    size_fast = size_slow = 0
    for lo, hi in itertools.pairwise(bounds):
        size_fast, stored_fast = merkle.append_leaves(size_fast, fast, leaves[lo:hi])
        size_slow, stored_slow = merkle.append_leaves_reference(size_slow, slow, leaves[lo:hi])
        assert (size_fast, fast, stored_fast) == (size_slow, slow, stored_slow)
    assert size_fast == n


@settings(max_examples=120, deadline=None)
@given(n=sizes, salt=salts, data=st.data())
def test_inclusion_proofs_match_the_reference_and_verify(
    n: int, salt: int, data: st.DataObject
) -> None:
    d = entries_for(n, salt)
    ref = Reference(d)
    leaves = merkle.leaf_hashes(d)
    m = data.draw(st.integers(0, n - 1))
    path = merkle.inclusion_path(m, n, complete_from(leaves))
    assert path == ref.path(m, 0, n)
    root = ref.mth()
    assert verify_inclusion(m, n, leaves[m], path, root)
    assert root_from_inclusion(m, n, leaves[m], path) == root
    # Any change to what is proved fails: another leaf or index, or a flipped path bit.
    other = data.draw(st.integers(0, n - 1))
    if other != m:
        assert not verify_inclusion(m, n, leaves[other], path, root)
        assert not verify_inclusion(other, n, leaves[m], path, root)
    # (The size is not always bound by the path itself, e.g. leaf 0 of 3 and of 4 share a path
    # shape: the signed checkpoint binds the size to the root.)
    assert not verify_inclusion(m, 2 * n + 1, leaves[m], path, root)
    if path:
        i = data.draw(st.integers(0, len(path) - 1))
        bit = data.draw(st.integers(0, 255))
        bad = list(path)
        bad[i] = bytes(b ^ (1 << (bit % 8)) if j == bit // 8 else b for j, b in enumerate(bad[i]))
        assert not verify_inclusion(m, n, leaves[m], bad, root)
        assert not verify_inclusion(m, n, leaves[m], path[:-1], root)
    assert not verify_inclusion(m, n, leaves[m], [*path, root], root)


@settings(max_examples=120, deadline=None)
@given(n=sizes, salt=salts, data=st.data())
def test_consistency_proofs_match_the_reference_and_verify(
    n: int, salt: int, data: st.DataObject
) -> None:
    d = entries_for(n, salt)
    ref = Reference(d)
    leaves = merkle.leaf_hashes(d)
    m = data.draw(st.integers(1, n))
    path = merkle.consistency_path(m, n, complete_from(leaves))
    assert path == ref.proof(m, n)
    old, new = ref.mth(0, m), ref.mth()
    assert verify_consistency(m, n, old, new, path)
    if m < n:
        # A rewritten prefix, a wrong size, or a damaged proof does not verify.
        forged = Reference([b"forged", *d[1:]])
        assert not verify_consistency(m, n, forged.mth(0, m), new, path)
        assert not verify_consistency(m, n, old, forged.mth(), path)
        if m + 1 < n:
            assert not verify_consistency(m + 1, n, old, new, path)
        i = data.draw(st.integers(0, len(path) - 1))
        bad = list(path)
        bad[i] = bytes([bad[i][0] ^ 1]) + bad[i][1:]
        assert not verify_consistency(m, n, old, new, bad)
        assert not verify_consistency(m, n, old, new, path[:-1])
    else:
        assert path == []


def test_consistency_edge_cases() -> None:
    ref = Reference(entries_for(5, 1))
    assert verify_consistency(0, 5, merkle.EMPTY_ROOT, ref.mth(), [])
    assert not verify_consistency(6, 5, ref.mth(), ref.mth(), [])
    assert not verify_consistency(5, 5, ref.mth(0, 4), ref.mth(), [])
    assert not verify_consistency(3, 5, ref.mth(0, 3), ref.mth(), [])  # non-empty proof needed
    with pytest.raises(ValueError, match="outside"):
        merkle.inclusion_path(5, 5, complete_from(merkle.leaf_hashes(entries_for(5, 1))))


def test_malformed_proof_elements_are_rejected_not_raised() -> None:
    leaves = merkle.leaf_hashes(entries_for(4, 2))
    path = merkle.inclusion_path(1, 4, complete_from(leaves))
    root = Reference(entries_for(4, 2)).mth()
    assert not verify_inclusion(1, 4, leaves[1], [path[0][:31], path[1]], root)
    assert not verify_inclusion(-1, 4, leaves[1], path, root)
    assert not verify_consistency(2, 4, leaves[0], root, [b"short"])


def test_batched_frontier_update_stores_level_16_nodes() -> None:
    """Past 65,536 leaves the batched merge also emits the level-16 node, as one leaf at a time
    does (the hypothesis test above stays below that size to stay fast)."""
    leaves = merkle.leaf_hashes(entries_for(70_001, 7))
    fast: list[bytes] = []
    slow: list[bytes] = []
    size = 0
    all_fast: list[tuple[int, int, bytes]] = []
    for lo in range(0, len(leaves), 9_999):
        chunk = leaves[lo : lo + 9_999]
        size_fast, stored_fast = merkle.append_leaves(size, fast, chunk)
        size, stored_slow = merkle.append_leaves_reference(size, slow, chunk)
        # the same nodes; the order differs (level by level here, as completed there)
        assert (size_fast, fast, sorted(stored_fast)) == (size, slow, sorted(stored_slow))
        all_fast += stored_fast
    assert [(lv, i) for lv, i, _ in all_fast if lv == 16] == [(16, 0)]
    assert len(all_fast) == 70_001 // 256 + 1
