"""The sender's side: the ledger is the outbox.

Everything a centre shares is in its ledger first. The link publishes the shareable entries in
ledger order from a cursor (the index after the last entry in the centre's stream), so nothing
recorded is lost by a crash between recording and publishing, and a re-publication after one is
dropped by the stream (same ``Nats-Msg-Id``) or by the receiver (an index it has applied).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from channelwatch.federation.envelope import Envelope
from channelwatch.federation.share import share
from channelwatch.ledger import Ledger
from channelwatch.ledger.errors import LedgerError
from channelwatch.ledger.merkle import inclusion_path
from channelwatch.ledger.proofs import verify_inclusion


@dataclass(frozen=True, slots=True)
class OutboxBatch:
    envelopes: list[Envelope]
    next_index: int  # where the next batch starts (past every entry looked at)


def pending(
    ledger: Ledger,
    centre: str,
    start: int,
    *,
    previous_size: int | None = None,
    limit: int = 256,
) -> OutboxBatch:
    """Envelopes of the shareable entries from index ``start`` (at most ``limit`` entries read).

    Each envelope carries the latest checkpoint, the inclusion proof of its entry in it, and
    (the first of the batch) the consistency proof from ``previous_size``, the checkpoint size of
    the previous message sent.
    """
    entries = ledger.entries(start, start + limit)
    if not entries:
        return OutboxBatch([], start)
    next_index = entries[-1].index + 1
    shared = [(e, s) for e in entries if (s := share(e.to_event(), centre)) is not None]
    if not shared:
        return OutboxBatch([], next_index)
    # Read after the entries: the checkpoint covers all of them.
    checkpoint = ledger.latest_checkpoint()
    size = checkpoint.size
    consistency: tuple[bytes, ...] = ()
    if previous_size is not None and 0 < previous_size < size:
        consistency = ledger.prove_consistency(previous_size, size).path
    proofs = _inclusion_proofs(ledger, [e.index for e, _ in shared], size, checkpoint.root)
    out = []
    for entry, (kind, event) in shared:
        leaf, path = proofs[entry.index]
        out.append(
            Envelope(
                sender=centre,
                kind=kind,
                index=entry.index,
                event=event,
                leaf_hash=leaf,
                checkpoint=checkpoint.text,
                inclusion=path,
                previous_size=previous_size,
                consistency=consistency,
            )
        )
        previous_size, consistency = size, ()
    return OutboxBatch(out, next_index)


def _inclusion_proofs(
    ledger: Ledger, indices: Sequence[int], size: int, root: bytes
) -> dict[int, tuple[bytes, tuple[bytes, ...]]]:
    """(leaf hash, audit path) of each of ``indices`` in the tree of ``size``, checked against
    ``root``. One memo of subtree hashes serves the whole batch: neighbouring entries share
    most of their paths (one proof at a time read and hashed them again for each entry)."""
    complete = ledger._completer()
    first, last = min(indices), max(indices)
    leaves = ledger.backend.leaves(first, last + 1)
    out = {}
    for i in indices:
        leaf = leaves[i - first]
        path = tuple(inclusion_path(i, size, complete))
        if not verify_inclusion(i, size, leaf, path, root):
            raise LedgerError(f"the stored tree does not prove entry {i}: run verify")
        out[i] = (leaf, path)
    return out
