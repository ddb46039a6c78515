"""The actions an officer may propose, and which of them are coercive."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    MONITOR = "monitor"
    ESCORT = "escort"
    STOP_BEFORE_BOARDING = "stop_before_boarding"
    DIVERT = "divert"
    DISABLE_PROPULSION = "disable_propulsion"
    TOW = "tow"
    RESCUE = "rescue"

    @property
    def coercive(self) -> bool:
        return self in COERCIVE


# Actions that force a boat against its people's will: never against a boat with passengers.
COERCIVE: frozenset[Action] = frozenset(
    {Action.STOP_BEFORE_BOARDING, Action.DIVERT, Action.DISABLE_PROPULSION, Action.TOW}
)
ACTION_ORDER: tuple[Action, ...] = tuple(Action)
