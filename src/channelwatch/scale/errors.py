"""Errors of the scale package (Dask work): one base class; bad input also derives from
InputError."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class ScaleError(ChannelWatchError):
    """Base class of every error raised by :mod:`channelwatch.scale`."""


class ScaleInputError(ScaleError, InputError):
    """A value given to a Dask job is invalid: a file, a scenario, an archive, an address."""
