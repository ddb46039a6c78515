"""The event types of SAR cases: the vocabulary handed to the ledger and replayed by the fold."""

from __future__ import annotations

from enum import StrEnum


class CaseEvent(StrEnum):
    """Each value is an :class:`channelwatch.events.Event` ``type``; payloads carry ``case_id``."""

    # advice shown (no change of state; recorded so a decision can be read with its advice)
    CORRELATION_SUGGESTED = "correlation_suggested"
    ADVICE_SHOWN = "advice_shown"
    ASSESSMENT_ATTACHED = "assessment_attached"
    # decisions and what follows from them
    CASE_OPENED = "case_opened"
    CASE_CORRELATED = "case_correlated"
    REPORT_SPLIT = "report_split"
    CASES_MERGED = "cases_merged"
    LINK_DISMISSED = "link_dismissed"
    HANDOVER_REQUESTED = "handover_requested"
    HANDOVER_ACCEPTED = "handover_accepted"
    HANDOVER_REJECTED = "handover_rejected"
    HANDOVER_EXPIRED = "handover_expired"
    HANDOVER_WITHDRAWN = "handover_withdrawn"
    TASK_ASSIGNED = "task_assigned"
    TASK_UPDATED = "task_updated"
    OUTCOME_RECORDED = "outcome_recorded"
    OUTCOME_VERIFIED = "outcome_verified"
    OUTCOME_RETRACTED = "outcome_retracted"
    PERSONS_REVISED = "persons_revised"
    DECISION_RECORDED = "decision_recorded"
    CASE_CLOSED = "case_closed"
    CASE_REOPENED = "case_reopened"
    # an attempt that was refused, with the reason (state unchanged)
    COMMAND_REFUSED = "command_refused"


CASE_EVENT_TYPES = frozenset(str(e) for e in CaseEvent)
