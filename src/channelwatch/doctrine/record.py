"""Every assessment, verdict, advice shown and human decision, handed to the ledger as an Event.

The record goes through :class:`channelwatch.events.EventSink` only. A decision carries who took
it, when, what they chose, and the advice they had before them, so an inquiry can see whether
the advice was followed and on what authority it rested. Actors are operator identifiers (the
staff on watch); people aboard boats are never identified.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from channelwatch.assess.distress import Assessment
from channelwatch.doctrine.actions import Action
from channelwatch.doctrine.engine import PROHIBITED, Verdict
from channelwatch.doctrine.errors import DoctrineError
from channelwatch.events import Event, EventSink

ASSESSMENT = "assessment"
DOCTRINE_VERDICT = "doctrine_verdict"
ADVICE_SHOWN = "advice_shown"
DECISION = "decision"


def record_assessment(
    sink: EventSink,
    assessment: Assessment,
    *,
    actor: str,
    policy_hash: str | None = None,
    time: datetime | None = None,
) -> int:
    return sink.append(
        Event(
            type=ASSESSMENT,
            time=time or assessment.time,
            actor=actor,
            payload=assessment.to_dict(),
            policy_hash=policy_hash,
        )
    )


def record_verdict(sink: EventSink, verdict: Verdict, *, time: datetime, actor: str) -> int:
    return sink.append(
        Event(
            type=DOCTRINE_VERDICT,
            time=time,
            actor=actor,
            payload=verdict.to_dict(),
            policy_hash=verdict.policy_hash,
        )
    )


def record_advice_shown(
    sink: EventSink,
    verdicts: Mapping[Action, Verdict],
    *,
    shown_to: str,
    time: datetime,
    case_id: str | None = None,
) -> int:
    """The advice put in front of an operator (``shown_to``), as they saw it."""
    if not verdicts:
        raise DoctrineError("no advice to record as shown")
    first = next(iter(verdicts.values()))
    return sink.append(
        Event(
            type=ADVICE_SHOWN,
            time=time,
            actor=shown_to,
            payload={
                "case_id": case_id,
                "advice": {a.value: v.to_dict() for a, v in verdicts.items()},
            },
            policy_hash=first.policy_hash,
        )
    )


@dataclass(frozen=True, slots=True)
class Decision:
    """A human decision: who, when, what, and the advice they had before them."""

    decided_by: str  # operator identifier and role, e.g. "CROSS-GN/duty-officer-2"
    time: datetime
    action: Action
    advice: Mapping[Action, Verdict]
    note: str | None = None
    case_id: str | None = None

    @property
    def against_advice(self) -> bool:
        """The action chosen was prohibited, or a required action was not the one chosen."""
        verdict = self.advice.get(self.action)
        if verdict is not None and verdict.verdict == PROHIBITED:
            return True
        required = {a for v in self.advice.values() for a in v.required_actions}
        return bool(required) and self.action not in required

    def to_dict(self) -> dict[str, Any]:
        return {
            "decided_by": self.decided_by,
            "time": self.time.isoformat(),
            "action": self.action.value,
            "against_advice": self.against_advice,
            "note": self.note,
            "case_id": self.case_id,
            "advice": {a.value: v.to_dict() for a, v in self.advice.items()},
        }


def record_decision(sink: EventSink, decision: Decision) -> int:
    if not decision.advice:
        raise DoctrineError("a decision is recorded with the advice it was given")
    first = next(iter(decision.advice.values()))
    return sink.append(
        Event(
            type=DECISION,
            time=decision.time,
            actor=decision.decided_by,
            payload=decision.to_dict(),
            policy_hash=first.policy_hash,
        )
    )
