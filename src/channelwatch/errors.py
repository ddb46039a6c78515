"""The root of every typed error ChannelWatch raises.

Each package defines one base class of its own (``RegionError``, ``IngestError``, …) deriving
from :class:`ChannelWatchError`, so a caller can catch one package's failures or all of them.
"""

from __future__ import annotations


class ChannelWatchError(Exception):
    """Base class of all ChannelWatch errors."""


class InputError(ChannelWatchError, ValueError):
    """A value given by a user or a caller is invalid; the message names the value."""
