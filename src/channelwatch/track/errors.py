"""The tracker's typed errors: one base class, and the bad-input kind the CLI maps to exit 2."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class TrackError(ChannelWatchError):
    """Base class of every error raised by :mod:`channelwatch.track`."""


class TrackInputError(TrackError, InputError):
    """A value given to the tracker is invalid (bad parameter, bad file, time going backwards)."""
