"""Errors of the event bus."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class BusError(ChannelWatchError):
    """Base class of every error raised by :mod:`channelwatch.bus`."""


class BusClosedError(BusError):
    """Publishing on, or subscribing to, a bus that was closed."""


class BusInputError(BusError, InputError):
    """A bad argument (e.g. a queue bound below 1)."""
