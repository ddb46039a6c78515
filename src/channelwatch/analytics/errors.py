"""Errors of the analytics package.

:class:`AnalyticsError` is the base of everything this package raises; :class:`AnalyticsInputError`
marks a bad file, column or option given by the user (the CLI turns it into exit code 2).
"""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class AnalyticsError(ChannelWatchError):
    """Base class of all analytics errors."""


class AnalyticsInputError(AnalyticsError, InputError):
    """A file, column, period or threshold given by the user is invalid; the message names it."""


class CoverageError(AnalyticsInputError):
    """A requested point or time is outside what the data covers (e.g. a forecast grid)."""
