"""Errors of the doctrine engine."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class DoctrineError(ChannelWatchError):
    """Base class of the doctrine engine's errors."""


class PolicyError(DoctrineError, InputError):
    """A policy file is invalid, or tries to weaken safety of life; the message names it."""


class UnknownPolicyError(DoctrineError, InputError):
    """No policy of that name is loaded."""


class SituationError(DoctrineError, InputError):
    """A situation does not match its schema; the message names the field."""
