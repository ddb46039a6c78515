"""Errors of the region model."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class RegionError(ChannelWatchError):
    """Base class of the region model's errors."""


class RegionDataError(RegionError):
    """A region pack is missing a file or holds data that cannot be used."""


class UnknownRegionError(RegionError, InputError):
    """No region pack of that name or path."""


class CoordinateError(RegionError, InputError):
    """A latitude or longitude is not a number, not finite, or out of range."""
