"""Full verification of a stored ledger, like an fsck: every byte of every entry, the whole tree,
the stored interior nodes, and every signed checkpoint (stored, published, or saved elsewhere).

The entries are read in aligned chunks of 2**16; each chunk's leaf hashes are computed from the
entry bytes, compared with the stored ones, and reduced level by level to one node of level 16;
those nodes are then reduced to the root. On the way the stored interior nodes are compared and
the roots of every checkpointed prefix are picked up, so one pass checks everything. Chunks are
independent, so a SQLite ledger can be checked by several processes at once (``workers``).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from channelwatch.ledger import merkle
from channelwatch.ledger.canonical import is_canonical
from channelwatch.ledger.errors import LedgerError, LedgerInputError
from channelwatch.ledger.note import Checkpoint, VerifierKey, verify_checkpoint
from channelwatch.ledger.problem import Problem
from channelwatch.ledger.store import Backend

Progress = Callable[[int, int], None]
"""``progress(done, total)``: entries checked so far."""

CHUNK_LEVEL = 16
CHUNK = 1 << CHUNK_LEVEL
MAX_PROBLEMS = 50


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What verification found. ``ok`` only when nothing at all is wrong."""

    size: int
    root: bytes
    checkpoints_checked: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_index(self) -> int | None:
        indices = [p.index for p in self.problems if p.index is not None]
        return min(indices) if indices else None

    @property
    def first_problem(self) -> Problem | None:
        if not self.problems:
            return None
        bad = self.first_bad_index
        return next((p for p in self.problems if p.index == bad), self.problems[0])

    def summary(self) -> str:
        if self.ok:
            return (
                f"ok: {self.size} entries, root {self.root.hex()}, "
                f"{self.checkpoints_checked} signed checkpoints consistent"
            )
        first = self.first_problem
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"TAMPERED or damaged: {first}{more}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "size": self.size,
            "root": self.root.hex(),
            "checkpoints_checked": self.checkpoints_checked,
            "first_bad_index": self.first_bad_index,
            "problems": [{"index": p.index, "what": p.what} for p in self.problems],
        }


@dataclass(slots=True)
class _Claim:
    """A signed statement ``root`` of the first ``size`` entries, to compare with the entries."""

    label: str
    size: int
    root: bytes
    computed: list[bytes | None]  # the prefix's peaks, filled in during the pass


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """What one chunk of entries gave: its subtree hash and what was found wrong in it."""

    start: int
    root: bytes
    level8: tuple[bytes, ...]  # the chunk's nodes on the first stored level, in order
    picked: dict[tuple[int, int], bytes] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    missing: int | None = None  # the first missing index, when rows are missing


class Scanner(Protocol):
    """The part of a backend a chunk check reads (a whole backend, or one per worker)."""

    def scan(self, start: int, stop: int) -> tuple[list[bytes], bytes, int | None]: ...


def _leaf_hashes(start: int, entries: list[bytes], problems: list[Problem]) -> list[bytes]:
    try:
        return merkle.leaf_hashes(entries)
    except TypeError:
        out = []
        for i, e in enumerate(entries):
            if not isinstance(e, bytes):
                problems.append(Problem(start + i, "entry is not stored as bytes"))
                e = str(e).encode("utf-8", "replace")
            out.append(merkle.leaf_hash(e))
        return out


def _first_difference(computed: bytes, stored: bytes) -> int:
    """The first 32-byte slot where two packed hash lists differ (or one of them ends)."""
    size = merkle.HASH_SIZE
    for i in range(0, min(len(computed), len(stored)), size):
        if computed[i : i + size] != stored[i : i + size]:
            return i // size
    return min(len(computed), len(stored)) // size


def check_chunk(
    scanner: Scanner, start: int, stop: int, wanted: frozenset[tuple[int, int]], deep: bool
) -> ChunkResult:
    """Check entries ``[start, stop)`` (``start`` a multiple of 2**16): rows all there, leaf
    hashes right, entries canonical (``deep``); reduce them to their subtree hash, keeping the
    level-8 nodes and the ``wanted`` (level, index) nodes below level 16."""
    entries, stored, missing = scanner.scan(start, stop)
    if missing is not None:  # a gap, or a damaged key: the rows are not the entries in order
        return ChunkResult(start, merkle.EMPTY_ROOT, (), missing=missing)
    problems: list[Problem] = []
    computed = _leaf_hashes(start, entries, problems)
    packed = b"".join(computed)
    if packed != stored:  # one comparison per chunk; the slot only when something differs
        bad = _first_difference(packed, stored)
        what = (
            "entry bytes do not match their stored leaf hash"
            if len(stored) > bad * merkle.HASH_SIZE
            else "the stored leaf hash of this entry is missing (its run of leaf hashes is "
            "missing, misplaced or damaged)"
        )
        problems.append(Problem(start + bad, what))
    if deep:
        for i, data in enumerate(entries):
            if not isinstance(data, bytes) or not is_canonical(data):
                problems.append(Problem(start + i, "entry is not canonical JSON"))
    level8: list[bytes] = []
    picked: dict[tuple[int, int], bytes] = {}

    def visit(level: int, first: int, hashes: list[bytes]) -> None:
        if level == merkle.STORED_LEVEL_STEP:
            level8.extend(hashes)
        if level < CHUNK_LEVEL:
            for lv, index in wanted:
                if lv == level and first <= index < first + len(hashes):
                    picked[(lv, index)] = hashes[index - first]

    root = merkle.reduce_levels(computed, 0, start, visit)
    return ChunkResult(start, root, tuple(level8), picked, tuple(problems[:MAX_PROBLEMS]))


# One SQLite connection per worker process, opened by the pool's initialiser.
_WORKER_SCANNER: list[Scanner] = []


def _worker_init(path: str) -> None:
    from channelwatch.ledger.store_sqlite import SqliteBackend

    _WORKER_SCANNER[:] = [SqliteBackend(Path(path))]


def _worker_task(args: tuple[int, int, frozenset[tuple[int, int]], bool]) -> ChunkResult:
    return check_chunk(_WORKER_SCANNER[0], *args)


def _chunks(
    backend: Backend, n: int, wanted: frozenset[tuple[int, int]], deep: bool, workers: int
) -> Iterator[ChunkResult]:
    tasks = [(s, min(n, s + CHUNK), wanted, deep) for s in range(0, n, CHUNK)]
    path = getattr(backend, "path", None)
    if workers <= 1 or len(tasks) < 2 or backend.kind != "sqlite" or path is None:
        for task in tasks:
            yield check_chunk(backend, *task)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(min(workers, len(tasks)), _worker_init, (str(path),)) as pool:
        yield from pool.imap(_worker_task, tasks)


class _Tree:
    """The parts of the pass done once: stored nodes, checkpoint peaks, chunk roots."""

    def __init__(self, backend: Backend, size: int, problems: list[Problem]) -> None:
        self.size = size
        self.problems = problems
        self.stored: dict[int, list[bytes]] = {}
        level = merkle.STORED_LEVEL_STEP
        while size >> level:
            rows = backend.all_nodes(level)
            complete = size >> level
            if len(rows) != complete or rows[0][0] != 0 or rows[-1][0] != complete - 1:
                problems.append(
                    Problem(None, f"{len(rows)} tree nodes stored at level {level}, not {complete}")
                )
            else:
                self.stored[level] = [h for _, h in rows]
            level += merkle.STORED_LEVEL_STEP
        self.picks: dict[tuple[int, int], list[tuple[_Claim, int]]] = {}

    def want(self, claim: _Claim) -> None:
        """Ask for the peaks of ``claim.size`` (complete aligned subtrees) during the pass."""
        start = 0
        for slot, level in enumerate(merkle.peak_levels(claim.size)):
            self.picks.setdefault((level, start >> level), []).append((claim, slot))
            start += 1 << level

    def pick(self, key: tuple[int, int], value: bytes) -> None:
        for claim, slot in self.picks.get(key, ()):
            claim.computed[slot] = value

    def compare(self, level: int, first: int, hashes: Sequence[bytes]) -> None:
        """Compare computed nodes with the nodes stored when the entries were appended."""
        stored = self.stored.get(level)
        stop = min(first + len(hashes), self.size >> level)
        if stored is None or stop <= first or stored[first:stop] == list(hashes[: stop - first]):
            return
        i = next(i for i in range(first, stop) if stored[i] != hashes[i - first])
        start = i << level
        self.problems.append(
            Problem(
                _unexplained(self.problems, start, (i + 1) << level),
                f"entries {start}..{start + (1 << level) - 1} do not match the tree node stored "
                f"for them at level {level} (altered, reordered or rewritten with their leaf "
                f"hashes)",
            )
        )

    def visit_high(self, level: int, first: int, hashes: list[bytes]) -> None:
        for index in range(first, first + len(hashes)):
            if (level, index) in self.picks:
                self.pick((level, index), hashes[index - first])
        if level % merkle.STORED_LEVEL_STEP == 0:
            self.compare(level, first, hashes)


def _unexplained(problems: list[Problem], start: int, stop: int) -> int | None:
    """``start`` for a finding that only bounds the first bad entry to ``[start, stop)``, or
    None when an exact finding inside that range already explains it."""
    if any(p.index is not None and start <= p.index < stop for p in problems):
        return None
    return start


def _check_claims(claims: list[_Claim], problems: list[Problem]) -> None:
    """Compare each signed root with the entries; locate the first bad entry between the last
    size that matched and the first that did not."""
    good = 0
    for claim in sorted(claims, key=lambda c: c.size):
        peaks = [p for p in claim.computed if p is not None]
        if len(peaks) != len(claim.computed):
            problems.append(Problem(None, f"the {claim.label} could not be checked"))
            continue
        computed = merkle.root_from_peaks(peaks)
        if computed == claim.root:
            good = max(good, claim.size)
            continue
        problems.append(
            Problem(
                _unexplained(problems, good, claim.size),
                f"the first {claim.size} entries do not match the {claim.label} (root "
                f"{claim.root.hex()[:16]}…, entries give {computed.hex()[:16]}…): an entry "
                f"in {good}..{claim.size - 1} was altered, removed or reordered",
            )
        )


def verify_ledger(
    backend: Backend,
    *,
    trusted_key: VerifierKey,
    external: Sequence[str] = (),
    deep: bool = False,
    progress: Progress | None = None,
    workers: int = 1,
) -> VerifyReport:
    """Check a stored ledger against itself, its signatures and any saved checkpoints.

    ``external`` are checkpoint texts kept outside the ledger (by an auditor, a witness, the
    other coordination centre): a ledger shorter than one of them was truncated, and one whose
    entries give another root was rewritten. ``deep`` also parses every entry, checks that it is
    canonical JSON, and runs the store's own integrity check (slower). ``workers`` > 1 checks a
    SQLite ledger's chunks in that many processes.
    """
    problems: list[Problem] = []
    try:
        return _verify(backend, trusted_key, external, deep, progress, workers, problems)
    except (LedgerError, OSError, ValueError) as exc:  # an unreadable store is a finding too
        problems.append(Problem(None, f"the store cannot be read: {exc}"))
    except Exception as exc:  # backends' own errors (sqlite3, psycopg) when the file is damaged
        problems.append(Problem(None, f"the store cannot be read: {type(exc).__name__}: {exc}"))
    return VerifyReport(0, merkle.EMPTY_ROOT, 0, tuple(problems[:MAX_PROBLEMS]))


def _signed(text: str, key: VerifierKey, label: str, problems: list[Problem]) -> Checkpoint | None:
    try:
        checkpoint = verify_checkpoint(text, key)
    except LedgerInputError as exc:
        problems.append(Problem(None, f"{label}: {exc}"))
        return None
    if checkpoint.origin != key.name:
        problems.append(
            Problem(None, f"{label} is for log {checkpoint.origin!r}, not {key.name!r}")
        )
        return None
    return checkpoint


def _verify(
    backend: Backend,
    key: VerifierKey,
    external: Sequence[str],
    deep: bool,
    progress: Progress | None,
    workers: int,
    problems: list[Problem],
) -> VerifyReport:
    meta = backend.meta()
    if meta.get("public_key") != str(key):
        problems.append(
            Problem(
                None,
                f"the ledger records key {meta.get('public_key')!r}, trusted key is {str(key)!r}",
            )
        )
    if meta.get("origin") != key.name:
        problems.append(
            Problem(
                None,
                f"the ledger's origin {meta.get('origin')!r} is not the "
                f"trusted key's name {key.name!r}",
            )
        )
    state = backend.state()
    n = state.size
    claims: list[_Claim] = []

    def claim(label: str, checkpoint: Checkpoint) -> None:
        if checkpoint.size > n:
            problems.append(
                Problem(
                    n,
                    f"truncated: the {label} covers {checkpoint.size} entries but the ledger has "
                    f"{n}; entries {n}..{checkpoint.size - 1} are missing",
                )
            )
        else:
            count = len(merkle.peak_levels(checkpoint.size))
            claims.append(_Claim(label, checkpoint.size, checkpoint.root, [None] * count))

    latest = _signed(state.note, key, "latest signed checkpoint", problems)
    if latest is not None:
        if latest.size != n:
            problems.append(
                Problem(
                    min(n, latest.size),
                    f"the ledger state says {n} entries, its signed checkpoint says {latest.size}",
                )
            )
        if latest.root != merkle.root_from_peaks(state.peaks) or len(state.peaks) != len(
            merkle.peak_levels(n)
        ):
            problems.append(Problem(None, "the stored frontier does not give the signed root"))
        claim("latest signed checkpoint", latest)
    checked = 1 if latest is not None else 0
    for size, note in backend.checkpoints():
        label = f"published checkpoint of size {size}"
        checkpoint = _signed(note, key, label, problems)
        if checkpoint is None:
            continue
        if checkpoint.size != size:
            problems.append(Problem(None, f"{label} is filed under the wrong size"))
        claim(label, checkpoint)
        checked += 1
    for number, text in enumerate(external, 1):
        checkpoint = _signed(text, key, f"saved checkpoint #{number}", problems)
        if checkpoint is not None:
            claim(f"saved checkpoint #{number} (size {checkpoint.size})", checkpoint)
            checked += 1

    stray = backend.stray_index(n)
    if stray is not None:
        problems.append(
            Problem(
                stray,
                f"row {stray} lies outside the signed tree of {n} entries "
                f"(inserted behind the ledger's back)",
            )
        )
    try:
        mismatch = backend.case_index_mismatch()
    except Exception as exc:  # e.g. an entry that is no longer UTF-8 JSON
        problems.append(Problem(None, f"the case index cannot be checked: {exc}"))
        mismatch = None
    if mismatch is not None:
        problems.append(Problem(mismatch, "the case index disagrees with the entry's case_id"))

    tree = _Tree(backend, n, problems)
    for c in claims:
        tree.want(c)
    wanted = frozenset(k for k in tree.picks if k[0] < CHUNK_LEVEL)
    tops: list[bytes] = []
    missing = None
    for chunk in _chunks(backend, n, wanted, deep, workers):
        if chunk.missing is not None:
            problems.append(
                Problem(chunk.missing, "entry is missing (deleted, moved or its key damaged)")
            )
            missing = chunk.missing
            break
        problems.extend(chunk.problems)
        tree.compare(
            merkle.STORED_LEVEL_STEP, chunk.start >> merkle.STORED_LEVEL_STEP, chunk.level8
        )
        for key_, value in chunk.picked.items():
            tree.pick(key_, value)
        tops.append(chunk.root)
        if len(problems) > MAX_PROBLEMS:
            break
        if progress is not None:
            progress(min(n, chunk.start + CHUNK), n)
    root = merkle.EMPTY_ROOT
    if missing is None and len(tops) == -(-n // CHUNK):
        if n > CHUNK:
            root = merkle.reduce_levels(tops, CHUNK_LEVEL, 0, tree.visit_high)
        elif tops:  # one chunk: its reduction stopped at or below level 16
            root = tops[0]
            tree.visit_high(CHUNK_LEVEL, 0, tops)
        _check_claims(claims, problems)
    if deep:
        trouble = backend.integrity_problem()
        if trouble is not None:
            problems.append(Problem(None, f"storage integrity check: {trouble}"))
    return VerifyReport(n, root, checked, tuple(problems[:MAX_PROBLEMS]))
