"""Errors of the scenario generator."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class SimError(ChannelWatchError):
    """Base class of the simulator's errors."""


class SimInputError(SimError, InputError):
    """A scenario parameter is invalid."""
