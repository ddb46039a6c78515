"""The storage contract of the ledger, shared by the SQLite and PostgreSQL backends.

A backend stores rows and runs one durable write transaction at a time; it knows nothing of
Merkle trees or signatures. The ledger reads the state inside the transaction (so several
processes can write to one store), builds the batch, and the backend commits it durably.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

FORMAT = "channelwatch-ledger/1"


@dataclass(frozen=True, slots=True)
class LogState:
    """The integrated tree: its size, its frontier (largest subtree first), its signed note."""

    size: int
    peaks: tuple[bytes, ...]
    note: str


@dataclass(frozen=True, slots=True)
class Batch:
    """Rows to commit in one transaction, for entries ``start .. start + len(entries) - 1``."""

    start: int
    entries: Sequence[bytes]
    leaves: Sequence[bytes]
    case_ids: Sequence[str | None]
    nodes: Sequence[tuple[int, int, bytes]]  # (level, index, hash) of stored interior nodes
    state: LogState  # the state after the batch


def pack_peaks(peaks: Sequence[bytes]) -> bytes:
    return b"".join(peaks)


def unpack_peaks(blob: bytes) -> tuple[bytes, ...]:
    return tuple(blob[i : i + 32] for i in range(0, len(blob), 32))


def first_gap(start: int, stop: int, indices: Sequence[int]) -> int | None:
    """The first index of ``[start, stop)`` that ``indices`` (sorted) does not hold in its place:
    missing, or shadowed by a repeated key of a damaged file. None when all are there."""
    for expected, found in zip(range(start, stop), indices, strict=False):
        if found != expected:
            return expected
    return None if len(indices) == stop - start else start + min(len(indices), stop - start)


class Backend(Protocol):
    """What the ledger needs from a store. Indices are 0-based; ranges are half-open."""

    kind: str
    location: str

    def initialise(self, meta: dict[str, str], state: LogState) -> None:
        """Create the tables, the metadata and the empty state (fails if a ledger exists)."""
        ...

    def meta(self) -> dict[str, str]: ...

    def state(self) -> LogState: ...

    def write(self, build: Callable[[LogState], Batch]) -> LogState:
        """In one transaction that excludes other writers: read the state, call ``build`` with
        it, store the batch and commit durably. Returns the new state."""
        ...

    def entries(self, start: int, stop: int) -> list[bytes]: ...

    def leaves(self, start: int, stop: int) -> list[bytes]: ...

    def nodes(self, level: int, start: int, stop: int) -> list[bytes]: ...

    def scan(self, start: int, stop: int) -> tuple[list[bytes], bytes, int | None]:
        """The entries of ``[start, stop)`` in order, their stored leaf hashes end to end, and
        the first index of the range whose row is missing or out of place (None if none)."""
        ...

    def stray_index(self, size: int) -> int | None:
        """The first row index outside ``[0, size)``, if any (rows nobody integrated)."""
        ...

    def all_nodes(self, level: int) -> list[tuple[int, bytes]]: ...

    def case_indices(self, case_id: str) -> list[int]: ...

    def case_index_mismatch(self) -> int | None:
        """The first index whose case-id index entry disagrees with its entry, if any."""
        ...

    def add_checkpoint(self, size: int, note: str) -> None: ...

    def checkpoints(self) -> list[tuple[int, str]]: ...

    def integrity_problem(self) -> str | None:
        """A deep storage-level consistency check (None when the store is sound)."""
        ...

    def close(self) -> None: ...
