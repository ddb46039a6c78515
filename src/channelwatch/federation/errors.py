"""Errors of the federation link: one base class; bad input also derives from InputError."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class FederationError(ChannelWatchError):
    """Base class of every error raised by :mod:`channelwatch.federation`."""


class FederationInputError(FederationError, InputError):
    """A value given to the federation (a centre code, a case reference, a file) is invalid."""


class EnvelopeError(FederationError):
    """A message from a partner cannot be read: not JSON, a field missing or of the wrong type."""


class VerificationError(FederationError):
    """A partner's message fails a check: checkpoint signature, inclusion or consistency proof."""
