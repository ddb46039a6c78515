"""The SAR emergency phases, in order of gravity.

Definitions: SAR Convention 1979 (as amended 1998), Annex ch. 1 (1.3.11 uncertainty, 1.3.12 alert,
1.3.13 distress) and ch. 4.4; IAMSAR Manual names them INCERFA, ALERFA and DETRESFA.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class DistressPhase(StrEnum):
    NONE = "none"
    UNCERTAINTY = "uncertainty"
    ALERT = "alert"
    DISTRESS = "distress"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def iamsar(self) -> str | None:
        """The IAMSAR code word (INCERFA, ALERFA, DETRESFA), None for no phase."""
        return _IAMSAR[self]


_RANK = {
    DistressPhase.NONE: 0,
    DistressPhase.UNCERTAINTY: 1,
    DistressPhase.ALERT: 2,
    DistressPhase.DISTRESS: 3,
}
_IAMSAR = {
    DistressPhase.NONE: None,
    DistressPhase.UNCERTAINTY: "INCERFA",
    DistressPhase.ALERT: "ALERFA",
    DistressPhase.DISTRESS: "DETRESFA",
}


def gravest(phases: Iterable[DistressPhase]) -> DistressPhase:
    """The gravest of the phases (NONE for none)."""
    return max(phases, key=lambda p: p.rank, default=DistressPhase.NONE)
