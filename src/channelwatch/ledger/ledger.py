"""The ledger: sequence events durably, integrate them into the Merkle tree, sign checkpoints.

``Ledger`` is an :class:`~channelwatch.events.EventSink`. Every commit stores the new entries,
their leaf hashes, the interior nodes completed on the stored levels, the new frontier and a
checkpoint of the new tree signed by the ledger key, in one transaction; ``append`` returns only
after that transaction is on disk. Concurrent ``append`` calls from several threads are coalesced
into one transaction (group commit): the first caller to find no commit under way commits
everything queued so far, the others wait for it.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from channelwatch.events import Event, utcnow
from channelwatch.ledger import merkle
from channelwatch.ledger.entry import EncodedEntry, Entry, decode_entry, encode_event
from channelwatch.ledger.errors import KeyFileError, LedgerError, LedgerInputError
from channelwatch.ledger.keys import create_key, load_key
from channelwatch.ledger.note import (
    Checkpoint,
    VerifierKey,
    checkpoint_body,
    parse_checkpoint,
    sign_note,
    verify_checkpoint,
)
from channelwatch.ledger.proofs import verify_consistency, verify_inclusion
from channelwatch.ledger.store import FORMAT, Backend, Batch, LogState

if TYPE_CHECKING:
    from channelwatch.ledger.verify import Progress, VerifyReport


def is_url(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


def open_backend(
    location: str | Path, *, create: bool = False, schema: str | None = None
) -> Backend:
    """A PostgreSQL backend for a ``postgresql://`` URL (in ``schema``), else a SQLite file."""
    if is_url(location):
        from channelwatch.ledger.store_postgres import DEFAULT_SCHEMA, PostgresBackend

        return PostgresBackend(str(location), create=create, schema=schema or DEFAULT_SCHEMA)
    from channelwatch.ledger.store_sqlite import SqliteBackend

    return SqliteBackend(Path(location), create=create)


def default_key_path(location: str | Path) -> Path | None:
    """``<file>.key`` beside a ledger file; None for a database URL (give the key path)."""
    return None if is_url(location) else Path(f"{location}.key")


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """Entry ``index`` is leaf ``leaf`` of the tree of ``size`` leaves whose root is ``root``."""

    index: int
    size: int
    leaf: bytes
    path: tuple[bytes, ...]
    root: bytes

    def verify(self) -> bool:
        return verify_inclusion(self.index, self.size, self.leaf, self.path, self.root)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "tree_size": self.size,
            "leaf_hash": self.leaf.hex(),
            "path": [p.hex() for p in self.path],
            "root": self.root.hex(),
        }


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """The tree ``old_root`` of ``old_size`` leaves is a prefix of ``new_root``."""

    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    path: tuple[bytes, ...]

    def verify(self) -> bool:
        return verify_consistency(
            self.old_size, self.new_size, self.old_root, self.new_root, self.path
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "old_size": self.old_size,
            "new_size": self.new_size,
            "old_root": self.old_root.hex(),
            "new_root": self.new_root.hex(),
            "path": [p.hex() for p in self.path],
        }


@dataclass(slots=True)
class _Request:
    entries: list[EncodedEntry]
    indices: list[int] = field(default_factory=list)
    error: BaseException | None = None
    done: bool = False


class Ledger:
    """A tamper-evident, append-only record of events (see docs/design/ledger.md)."""

    def __init__(self, backend: Backend, signing_key: Ed25519PrivateKey | None = None) -> None:
        self.backend = backend
        meta = backend.meta()
        self.origin = meta["origin"]
        self.public_key = VerifierKey.parse(meta["public_key"])
        if signing_key is not None:
            own = VerifierKey.from_public_key(self.origin, signing_key.public_key())
            if own != self.public_key:
                raise KeyFileError(
                    f"the signing key ({own.key_id.hex()}) is not this ledger's key "
                    f"({self.public_key.key_id.hex()})"
                )
        self._key = signing_key
        self._cond = threading.Condition()
        self._queue: list[_Request] = []
        self._committing = False

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        location: str | Path,
        *,
        origin: str | None = None,
        key_path: Path | None = None,
        schema: str | None = None,
    ) -> Ledger:
        """Create a new ledger (and a new key file unless ``key_path`` names an existing one).

        ``location`` is a file path (SQLite) or a ``postgresql://`` URL (then ``schema`` names
        the PostgreSQL schema to hold it, and ``key_path`` is required)."""
        key_path = key_path or default_key_path(location)
        if key_path is None:
            raise KeyFileError("a ledger in a database needs a key file path (--key)")
        origin = origin or f"channelwatch.ledger/{secrets.token_hex(8)}"
        key = load_key(key_path) if key_path.exists() else None
        backend = open_backend(location, create=True, schema=schema)
        try:
            if key is None:
                key = create_key(key_path)
            public = VerifierKey.from_public_key(origin, key.public_key())
            empty = merkle.EMPTY_ROOT
            note = sign_note(checkpoint_body(origin, 0, empty, utcnow()), origin, key)
            meta = {"format": FORMAT, "origin": origin, "public_key": str(public)}
            backend.initialise(meta, LogState(0, (), note))
            return cls(backend, key)
        except BaseException:
            backend.close()
            raise

    @classmethod
    def open(
        cls,
        location: str | Path,
        *,
        key_path: Path | None = None,
        schema: str | None = None,
        without_key: bool = False,
    ) -> Ledger:
        """Open a ledger; with its key file (given, or ``<file>.key`` if present) it can append.

        ``without_key`` leaves the key alone (for verifying, proving and exporting)."""
        path = None if without_key else key_path or default_key_path(location)
        key = load_key(path) if path is not None and (key_path or path.exists()) else None
        backend = open_backend(location, schema=schema)
        try:
            return cls(backend, key)
        except BaseException:
            backend.close()
            raise

    @property
    def can_append(self) -> bool:
        """Whether it was opened with its signing key."""
        return self._key is not None

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def append(self, event: Event) -> int:
        """Record one event; returns its index once it is durably stored and signed over."""
        return self._submit([encode_event(event)])[0]

    def append_many(self, events: Iterable[Event]) -> list[int]:
        """Record events in one transaction (group commit); returns their consecutive indices.

        Every event is encoded first, so one bad event rejects the call and records nothing.
        """
        encoded = [encode_event(e) for e in events]
        return self._submit(encoded) if encoded else []

    def append_encoded(self, entries: Sequence[EncodedEntry]) -> list[int]:
        """Record already encoded entries (see :func:`~channelwatch.ledger.entry.encode_event`)."""
        return self._submit(list(entries)) if entries else []

    def _submit(self, entries: list[EncodedEntry]) -> list[int]:
        if self._key is None:
            raise LedgerError("this ledger was opened without its signing key: it cannot append")
        request = _Request(entries)
        with self._cond:
            self._queue.append(request)
            while self._committing and not request.done:
                self._cond.wait()
            if not request.done:
                self._committing = True
                batch, self._queue = self._queue, []
        if not request.done:
            try:
                self._commit(batch)
            finally:
                with self._cond:
                    self._committing = False
                    self._cond.notify_all()
        if request.error is not None:
            raise request.error
        return request.indices

    def _commit(self, requests: list[_Request]) -> None:
        key = self._key
        assert key is not None
        origin = self.origin
        data = [e.data for r in requests for e in r.entries]
        case_ids = [e.case_id for r in requests for e in r.entries]
        leaves = merkle.leaf_hashes(data)

        def build(state: LogState) -> Batch:
            peaks = list(state.peaks)
            size, nodes = merkle.append_leaves(state.size, peaks, leaves)
            root = merkle.root_from_peaks(peaks)
            note = sign_note(checkpoint_body(origin, size, root, utcnow()), origin, key)
            new_state = LogState(size, tuple(peaks), note)
            return Batch(state.size, data, leaves, case_ids, nodes, new_state)

        try:
            new = self.backend.write(build)
        except BaseException as exc:
            for r in requests:
                r.error, r.done = exc, True
            raise
        index = new.size - len(data)
        for r in requests:
            r.indices = list(range(index, index + len(r.entries)))
            index += len(r.entries)
            r.done = True

    # -- reading ---------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return self.backend.state().size

    def latest_checkpoint(self) -> Checkpoint:
        """The checkpoint signed at the last commit (it covers every acknowledged entry)."""
        return parse_checkpoint(self.backend.state().note)

    def checkpoint(self) -> Checkpoint:
        """Publish the latest signed checkpoint: check it, keep it in the ledger, return it."""
        state = self.backend.state()
        checkpoint = verify_checkpoint(state.note, self.public_key)
        if checkpoint.size != state.size or checkpoint.root != merkle.root_from_peaks(state.peaks):
            raise LedgerError("the stored state does not match its signed checkpoint: run verify")
        self.backend.add_checkpoint(checkpoint.size, checkpoint.text)
        return checkpoint

    def checkpoints(self) -> list[Checkpoint]:
        """Every checkpoint published so far, oldest first."""
        return [parse_checkpoint(note) for _, note in self.backend.checkpoints()]

    def _check_index(self, index: int, size: int) -> None:
        if not 0 <= index < size:
            raise LedgerInputError(f"index {index} is outside the ledger's {size} entries")

    def entry(self, index: int) -> Entry:
        self._check_index(index, self.size)
        return decode_entry(index, self.backend.entries(index, index + 1)[0])

    def entries(self, start: int = 0, stop: int | None = None) -> list[Entry]:
        size = self.size
        stop = size if stop is None else min(stop, size)
        return [decode_entry(start + i, d) for i, d in enumerate(self.backend.entries(start, stop))]

    def case_indices(self, case_id: str) -> list[int]:
        """Indices of the entries whose payload has this ``case_id`` (from the index)."""
        size = self.size
        return [i for i in self.backend.case_indices(case_id) if i < size]

    def case_entries(self, case_id: str) -> list[Entry]:
        return [
            decode_entry(i, self.backend.entries(i, i + 1)[0]) for i in self.case_indices(case_id)
        ]

    # -- proofs ----------------------------------------------------------------------------

    def _complete(self, level: int, index: int) -> bytes:
        """Hash of a complete aligned subtree, from the nearest stored level below it."""
        base = level - level % merkle.STORED_LEVEL_STEP
        count = 1 << (level - base)
        first = index << (level - base)
        if base:
            hashes = self.backend.nodes(base, first, first + count)
        else:
            hashes = self.backend.leaves(first, first + count)
        if len(hashes) != count:
            raise LedgerError(
                f"the tree is missing hashes at level {base} from {first}: run verify"
            )
        return merkle.hash_up(hashes)

    def _completer(self) -> merkle.CompleteHash:
        """``_complete`` remembered for one proof: the right edge of a tree recurs in many of
        its path elements, and each costs a read."""
        memo: dict[tuple[int, int], bytes] = {}

        def complete(level: int, index: int) -> bytes:
            key = (level, index)
            found = memo.get(key)
            if found is None:
                found = memo[key] = self._complete(level, index)
            return found

        return complete

    def _resolve_size(self, size: int | None) -> tuple[int, LogState]:
        state = self.backend.state()
        size = state.size if size is None else size
        if not 0 <= size <= state.size:
            raise LedgerInputError(f"tree size {size} is outside 0..{state.size}")
        return size, state

    def root(self, size: int | None = None) -> bytes:
        """The root hash of the tree of the first ``size`` entries (default: all)."""
        size, state = self._resolve_size(size)
        return self._root(size, state, self._complete)

    def _root(self, size: int, state: LogState, complete: merkle.CompleteHash) -> bytes:
        if size == state.size:
            return merkle.root_from_peaks(state.peaks)
        return merkle.range_hash(0, size, complete)

    def prove_inclusion(self, index: int, size: int | None = None) -> InclusionProof:
        """Proof that entry ``index`` is in the tree of ``size`` entries (default: all)."""
        size, state = self._resolve_size(size)
        self._check_index(index, size)
        complete = self._completer()
        leaf = self.backend.leaves(index, index + 1)[0]
        path = tuple(merkle.inclusion_path(index, size, complete))
        proof = InclusionProof(index, size, leaf, path, self._root(size, state, complete))
        if not proof.verify():
            raise LedgerError(f"the stored tree does not prove entry {index}: run verify")
        return proof

    def prove_consistency(self, old_size: int, new_size: int | None = None) -> ConsistencyProof:
        """Proof that the tree of ``old_size`` entries is a prefix of that of ``new_size``."""
        new_size, state = self._resolve_size(new_size)
        if not 0 <= old_size <= new_size:
            raise LedgerInputError(f"old size {old_size} is outside 0..{new_size}")
        complete = self._completer()
        path = tuple(merkle.consistency_path(old_size, new_size, complete))
        old_root = self._root(old_size, state, complete)
        proof = ConsistencyProof(
            old_size, new_size, old_root, self._root(new_size, state, complete), path
        )
        if not proof.verify():
            raise LedgerError(f"the stored tree does not prove {old_size} → {new_size}: run verify")
        return proof

    # -- checking and exporting ------------------------------------------------------------

    def verify(
        self,
        *,
        checkpoints: Sequence[str] = (),
        trusted_key: VerifierKey | None = None,
        deep: bool = False,
        progress: Progress | None = None,
        workers: int = 1,
    ) -> VerifyReport:
        """Check everything (see :func:`channelwatch.ledger.verify.verify_ledger`)."""
        from channelwatch.ledger.verify import verify_ledger

        return verify_ledger(
            self.backend,
            trusted_key=trusted_key or self.public_key,
            external=checkpoints,
            deep=deep,
            progress=progress,
            workers=workers,
        )

    def export_case(self, case_id: str) -> dict[str, Any]:
        """The inquiry bundle of one case (see :mod:`channelwatch.ledger.bundle`)."""
        from channelwatch.ledger.bundle import build_bundle

        return build_bundle(self, case_id)
