"""Errors of the SAR case package: one base class, and the refusals a caller can act on."""

from __future__ import annotations

from channelwatch.errors import ChannelWatchError, InputError


class CaseError(ChannelWatchError):
    """Base class of every error raised by :mod:`channelwatch.cases`."""


class CaseCommandError(CaseError, InputError):
    """A command is invalid, or not allowed in the case's current state; nothing was changed."""


class UnknownCaseError(CaseCommandError):
    """A command names a case, report, task, outcome or handover request that does not exist."""


class NotAuthorisedError(CaseCommandError):
    """The actor may not do this (e.g. a centre accepting a handover addressed to another)."""


class HandoverError(CaseCommandError):
    """A handover request cannot be raised, accepted, rejected or withdrawn as asked."""


class ClosureRefusedError(CaseCommandError):
    """A case cannot be closed: not every reported person is accounted for, or tasks are open."""


class HistoryError(CaseError, InputError):
    """An event history cannot be replayed (unknown event type, missing field, wrong order)."""


class ScenarioError(CaseError, InputError):
    """A scenario document (a list of steps to replay) is malformed; the message names the step."""
