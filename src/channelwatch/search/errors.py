"""Errors of the search planner."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class SearchError(ChannelWatchError):
    """Base class of the search package's errors."""


class SearchInputError(SearchError, InputError):
    """A scenario, unit, table key or parameter given to the planner is invalid."""
