"""Checks on a partner's message: its checkpoint is signed by the partner's key, the entry is in
that checkpoint's tree, and the tree extends the one of the partner's previous message.

Pure functions over the envelope and what the receiver last saw; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from channelwatch.federation.envelope import Envelope
from channelwatch.federation.errors import VerificationError
from channelwatch.ledger.errors import LedgerError
from channelwatch.ledger.note import Checkpoint, VerifierKey, verify_checkpoint
from channelwatch.ledger.proofs import verify_consistency, verify_inclusion


class Consistency(StrEnum):
    """What is known of the partner's log being append-only from its previous message to this."""

    CHECKED = "checked"  # a consistency proof from the last checkpoint seen verified
    SAME = "same"  # same tree size and root as the last checkpoint seen
    FIRST = "first"  # no earlier checkpoint of this partner
    UNCHECKED = "unchecked"  # the sender's previous message was not the last one seen here
    OLDER = "older"  # an older checkpoint than the last seen (a late re-delivery)


@dataclass(frozen=True, slots=True)
class SeenCheckpoint:
    """The latest checkpoint of a partner this centre has verified."""

    size: int
    root: bytes


@dataclass(frozen=True, slots=True)
class Verified:
    checkpoint: Checkpoint
    consistency: Consistency


def verify_envelope(env: Envelope, key: VerifierKey, last: SeenCheckpoint | None) -> Verified:
    """Check an envelope against the partner's key; raises VerificationError naming the check."""
    try:
        cp = verify_checkpoint(env.checkpoint, key)
    except LedgerError as exc:
        raise VerificationError(f"{env.msg_id}: checkpoint rejected: {exc}") from None
    if not env.index < cp.size:
        raise VerificationError(
            f"{env.msg_id}: entry {env.index} is not covered by the checkpoint of size {cp.size}"
        )
    if not verify_inclusion(env.index, cp.size, env.leaf_hash, env.inclusion, cp.root):
        raise VerificationError(
            f"{env.msg_id}: the inclusion proof of entry {env.index} in the checkpoint of size "
            f"{cp.size} does not verify"
        )
    if last is None:
        return Verified(cp, Consistency.FIRST)
    if cp.size == last.size:
        if cp.root != last.root:
            raise VerificationError(
                f"{env.msg_id}: two different roots for tree size {cp.size}: the partner's log "
                "has forked"
            )
        return Verified(cp, Consistency.SAME)
    if cp.size < last.size:
        return Verified(cp, Consistency.OLDER)
    if env.previous_size != last.size:
        return Verified(cp, Consistency.UNCHECKED)
    if not verify_consistency(last.size, cp.size, last.root, cp.root, env.consistency):
        raise VerificationError(
            f"{env.msg_id}: the tree of size {cp.size} does not extend the tree of size "
            f"{last.size} seen before: the partner's log was rewritten"
        )
    return Verified(cp, Consistency.CHECKED)
