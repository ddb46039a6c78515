"""The tamper-evident ledger: every event, durably sequenced, in a Merkle tree under signed
checkpoints (after Certificate Transparency, RFC 6962/9162, and Tessera).

    from channelwatch.ledger import Ledger
    with Ledger.create("record.db") as ledger:      # writes record.db.key (mode 0600) too
        index = ledger.append(event)                  # durable when it returns
        proof = ledger.prove_inclusion(index)
        report = ledger.verify()

See docs/design/ledger.md for the formats, the lifecycle and the non-goals.
"""

from __future__ import annotations

from channelwatch.ledger.entry import Entry, decode_entry, encode_event
from channelwatch.ledger.errors import (
    CheckpointFormatError,
    KeyFileError,
    LedgerError,
    LedgerInputError,
    LedgerStorageError,
    ProofError,
)
from channelwatch.ledger.ledger import ConsistencyProof, InclusionProof, Ledger
from channelwatch.ledger.note import Checkpoint, VerifierKey, parse_checkpoint, verify_checkpoint
from channelwatch.ledger.problem import Problem
from channelwatch.ledger.verify import VerifyReport

__all__ = [
    "Checkpoint",
    "CheckpointFormatError",
    "ConsistencyProof",
    "Entry",
    "InclusionProof",
    "KeyFileError",
    "Ledger",
    "LedgerError",
    "LedgerInputError",
    "LedgerStorageError",
    "Problem",
    "ProofError",
    "VerifierKey",
    "VerifyReport",
    "decode_entry",
    "encode_event",
    "parse_checkpoint",
    "verify_checkpoint",
]
