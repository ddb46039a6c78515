"""The RFC 6962 / RFC 9162 Merkle tree: hashing, the compact frontier, and proof paths.

Leaf hash ``SHA-256(0x00 || entry)``, node hash ``SHA-256(0x01 || left || right)``; the tree of
``n`` leaves is split at the largest power of two smaller than ``n``. Everything here is pure:
proof paths take a function that returns the hash of a complete, aligned subtree, so the same
code serves any storage.

Two facts used throughout:

* the frontier (compact range) of a tree of size ``n`` is the list of complete aligned subtrees
  given by the binary digits of ``n``, largest first; the root is their fold from the right;
* reducing a level pairwise, left to right, and carrying an odd last node up unchanged gives the
  same root as the recursive RFC 6962 definition (so whole levels can be hashed in one list
  comprehension, which is what makes verifying a million entries fast in Python).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()  # MTH({}) of RFC 6962
STORED_LEVEL_STEP = 8  # interior nodes kept at levels 8, 16, 24, … (tiles of 256, as in Tessera)

_sha256 = hashlib.sha256

CompleteHash = Callable[[int, int], bytes]
"""``complete_hash(level, index)``: hash of the complete subtree of 2**level leaves starting at
leaf ``index * 2**level``."""

Visit = Callable[[int, int, list[bytes]], None]
"""``visit(level, first_index, hashes)``: called with each level of a reduction."""


def leaf_hash(data: bytes) -> bytes:
    return _sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(NODE_PREFIX + left + right).digest()


def leaf_hashes(entries: Sequence[bytes]) -> list[bytes]:
    """Leaf hashes of many entries (one list comprehension: hashlib is C, the loop is not)."""
    sha = _sha256
    return [sha(b"\x00" + e).digest() for e in entries]


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def peak_levels(size: int) -> list[int]:
    """Levels of the frontier's subtrees for a tree of ``size`` leaves, largest first."""
    return [level for level in range(size.bit_length() - 1, -1, -1) if size >> level & 1]


def root_from_peaks(peaks: Sequence[bytes]) -> bytes:
    """Root of the tree whose frontier is ``peaks`` (largest first)."""
    if not peaks:
        return EMPTY_ROOT
    root = peaks[-1]
    for peak in reversed(peaks[:-1]):
        root = _sha256(NODE_PREFIX + peak + root).digest()
    return root


def append_leaves(
    size: int, peaks: list[bytes], leaves: Sequence[bytes]
) -> tuple[int, list[tuple[int, int, bytes]]]:
    """Extend the frontier ``peaks`` (modified in place) of a tree of ``size`` by ``leaves``.

    Returns the new size and the interior nodes completed on the stored levels, as
    ``(level, index, hash)``. The batch is merged one level at a time, like carrying in binary
    addition done for all digits at once: on each level the old peak there (if any) is the left
    sibling of the first new hash, pairs are hashed in one comprehension, and an odd last hash
    is the new peak of that level.
    """
    sha = _sha256
    stored: list[tuple[int, int, bytes]] = []
    new_peaks: list[bytes] = []  # lowest level first
    hashes = list(leaves)
    first = size  # index, on the current level, of hashes[0]
    level = 0
    while hashes:
        if first & 1:  # the old peak of this level completes a pair with the first new hash
            hashes.insert(0, peaks.pop())
            first -= 1
        if len(hashes) & 1:
            new_peaks.append(hashes.pop())
        lefts, rights = hashes[0::2], hashes[1::2]
        hashes = [sha(b"\x01" + a + b).digest() for a, b in zip(lefts, rights, strict=True)]
        level += 1
        first >>= 1
        if hashes and level % STORED_LEVEL_STEP == 0:
            stored.extend((level, first + i, h) for i, h in enumerate(hashes))
    new_peaks.reverse()
    peaks.extend(new_peaks)
    return size + len(leaves), stored


def append_leaves_reference(
    size: int, peaks: list[bytes], leaves: Sequence[bytes]
) -> tuple[int, list[tuple[int, int, bytes]]]:
    """:func:`append_leaves` one leaf at a time (each leaf merges with the equal-sized peaks
    before it); tests check the two agree."""
    stored: list[tuple[int, int, bytes]] = []
    for h in leaves:
        n = size
        level = 0
        while n & 1:
            h = node_hash(peaks.pop(), h)
            level += 1
            n >>= 1
            if level % STORED_LEVEL_STEP == 0:
                stored.append((level, size >> level, h))
        peaks.append(h)
        size += 1
    return size, stored


def reduce_levels(hashes: list[bytes], level: int, first: int, visit: Visit | None = None) -> bytes:
    """Reduce one level of hashes to a single hash, pairwise with the odd last one carried up.

    ``hashes`` are on ``level`` starting at index ``first`` (even, or the last of its level);
    ``visit`` sees every level on the way (to check stored nodes or pick subtree hashes).
    """
    if not hashes:
        return EMPTY_ROOT
    sha = _sha256
    while True:
        if visit is not None:
            visit(level, first, hashes)
        if len(hashes) == 1:
            return hashes[0]
        lefts, rights = hashes[0::2], hashes[1::2]
        paired = [sha(b"\x01" + a + b).digest() for a, b in zip(lefts, rights, strict=False)]
        if len(hashes) & 1:
            paired.append(hashes[-1])
        hashes = paired
        level += 1
        first >>= 1


def range_hash(start: int, end: int, complete: CompleteHash) -> bytes:
    """MTH of leaves ``[start, end)``, from the hashes of complete aligned subtrees."""
    width = end - start
    if width <= 0:
        return EMPTY_ROOT
    if width & (width - 1) == 0 and start % width == 0:
        level = width.bit_length() - 1
        return complete(level, start >> level)
    k = split_point(width)
    return node_hash(range_hash(start, start + k, complete), range_hash(start + k, end, complete))


def inclusion_path(index: int, size: int, complete: CompleteHash) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1: sibling hashes from the leaf up."""
    if not 0 <= index < size:
        raise ValueError(f"index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = split_point(hi - lo)
        if index < lo + k:
            path.append(range_hash(lo + k, hi, complete))
            hi = lo + k
        else:
            path.append(range_hash(lo, lo + k, complete))
            lo += k
    path.reverse()
    return path


def consistency_path(old_size: int, new_size: int, complete: CompleteHash) -> list[bytes]:
    """PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1 (empty when a size is 0 or equal)."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"cannot prove size {old_size} consistent with size {new_size}")
    if old_size == 0 or old_size == new_size:
        return []
    path: list[bytes] = []
    lo, hi, m, whole = 0, new_size, old_size, True
    while m != hi - lo:
        k = split_point(hi - lo)
        if m <= k:
            path.append(range_hash(lo + k, hi, complete))
            hi = lo + k
        else:
            path.append(range_hash(lo, lo + k, complete))
            lo += k
            m -= k
            whole = False
    if not whole:
        path.append(range_hash(lo, hi, complete))
    path.reverse()
    return path


def hash_up(hashes: list[bytes]) -> bytes:
    """Hash of a complete subtree from its 2**k lowest hashes (a power-of-two count)."""
    return reduce_levels(hashes, 0, 0)
