"""Errors of the ledger package: one base class, input errors also derive from InputError."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class LedgerError(ChannelWatchError):
    """Base class of every error the ledger raises."""


class LedgerInputError(LedgerError, InputError):
    """A value given to the ledger is invalid (an event, an index, a file); the message names it."""


class KeyFileError(LedgerInputError):
    """A signing or public key is missing, malformed or readable by others."""


class CheckpointFormatError(LedgerInputError):
    """A checkpoint (signed note) is malformed or its signature does not verify."""


class ProofError(LedgerError):
    """A Merkle inclusion or consistency proof does not verify."""


class LedgerStorageError(LedgerError):
    """The storage backend failed, or the ledger file is not a ledger of this format."""
