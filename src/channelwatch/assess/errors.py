"""Errors of the distress assessment."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class AssessError(ChannelWatchError):
    """Base class of the assessment's errors."""


class AssessInputError(AssessError, InputError):
    """A fact given to the assessment is invalid; the message names it."""
