"""Typed errors of the drift package.

Everything raised here derives from :class:`DriftError`; errors caused by a bad value given by a
user or a caller (an unknown object class, an unreadable forcing file, a seed outside the
forcing) also derive from :class:`channelwatch.errors.InputError`, so the CLI exits with code 2.
"""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class DriftError(ChannelWatchError):
    """Base class of all drift-model errors."""


class DriftInputError(DriftError, InputError):
    """A drift parameter given by the user is invalid; the message names it."""


class UnknownObjectClassError(DriftInputError, KeyError):
    """The leeway object class is neither a known key nor a known number."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ForcingError(DriftError):
    """A forcing file or reader cannot provide what is asked of it."""


class ForcingFormatError(ForcingError, InputError):
    """A forcing file cannot be read or understood (variables, coordinates, projection, time)."""


class OutsideCoverageError(ForcingError):
    """A time or a position lies outside what the forcing covers."""


class OutsideTimeCoverageError(OutsideCoverageError, InputError):
    """The requested time is outside the time span of every reader of a variable."""


class OutsidePositionCoverageError(OutsideCoverageError, InputError):
    """A requested position is outside the area of every reader of a variable."""
