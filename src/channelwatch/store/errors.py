"""Errors of the stores: one base class, and the ones a caller can act on."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class StoreError(ChannelWatchError):
    """Base class of every error raised by :mod:`channelwatch.store`."""


class StoreInputError(StoreError, InputError):
    """A value given to the store is invalid (a bad URL, a bad cursor, a bad bounding box)."""


class DuplicateError(StoreInputError):
    """A record with this key exists already (e.g. a user name)."""


class NotFoundError(StoreInputError):
    """No record with this key."""


class MigrationError(StoreError):
    """The database schema cannot be brought to the version this code needs."""
