"""Persons accounting: how many were reported aboard, and how many are accounted for.

The figure a closure must meet is the highest count any source reported, unless a named
supervisor revised it with a reason (a recorded decision): a caller's higher count is never
dropped silently. Only verified outcomes account for persons; unverified claims (such as the
belief of 24 November 2021 that the boat had been rescued) are shown beside them, never added.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from channelwatch.cases.model import Outcome, OutcomeKind, PersonsRevision, Report


@dataclass(frozen=True, slots=True)
class PersonsTally:
    """Reported persons (range and best estimate) against what is accounted for."""

    reported_low: int | None
    reported_high: int | None
    reported_best: int | None  # median of the reported counts
    revised: int | None  # a supervisor's figure, if any
    rescued: int
    landed: int
    deceased: int
    claimed: int  # persons in unverified, unretracted claims (not accounted)

    @property
    def figure(self) -> int | None:
        """The number of persons a closure must account for (None: nobody gave a count)."""
        return self.revised if self.revised is not None else self.reported_high

    @property
    def accounted(self) -> int:
        return self.rescued + self.landed + self.deceased

    @property
    def missing(self) -> int | None:
        """Reported persons not accounted for (never negative); None if no count is known."""
        fig = self.figure
        return None if fig is None else max(0, fig - self.accounted)

    def to_dict(self) -> dict[str, int | None]:
        return {
            "reported_low": self.reported_low,
            "reported_high": self.reported_high,
            "reported_best": self.reported_best,
            "revised": self.revised,
            "figure": self.figure,
            "rescued": self.rescued,
            "landed": self.landed,
            "deceased": self.deceased,
            "accounted": self.accounted,
            "missing": self.missing,
            "claimed_unverified": self.claimed,
        }


def _median(values: list[int]) -> int:
    s = sorted(values)
    mid = len(s) // 2
    if len(s) % 2:
        return s[mid]
    # Round half up: with counts 30 and 33, "about 32" is the honest middle.
    return (s[mid - 1] + s[mid] + 1) // 2


def tally(
    reports: Iterable[Report],
    outcomes: Iterable[Outcome],
    revision: PersonsRevision | None = None,
) -> PersonsTally:
    """Count reported persons and outcomes (pure)."""
    counts = [r.persons for r in reports if r.persons is not None]
    sums = {k: 0 for k in OutcomeKind}
    claimed = 0
    for o in outcomes:
        if o.retracted:
            continue
        if o.verified:
            sums[o.kind] += o.count
        else:
            claimed += o.count
    return PersonsTally(
        reported_low=min(counts) if counts else None,
        reported_high=max(counts) if counts else None,
        reported_best=_median(counts) if counts else None,
        revised=revision.count if revision is not None else None,
        rescued=sums[OutcomeKind.RESCUED],
        landed=sums[OutcomeKind.LANDED],
        deceased=sums[OutcomeKind.DECEASED],
        claimed=claimed,
    )


def closure_shortfall(t: PersonsTally, claims: Iterable[Outcome] = ()) -> str | None:
    """Why a closure on accounting must be refused, or None if every person is accounted for."""
    fig = t.figure
    if fig is None:
        return (
            "no count of persons aboard has been reported: a supervisor must record the count "
            "(revise_persons) before the case can close on accounting"
        )
    if t.accounted >= fig:
        return None
    msg = (
        f"{t.accounted} of {fig} reported persons accounted for (rescued {t.rescued}, "
        f"landed {t.landed}, deceased {t.deceased}); {fig - t.accounted} not accounted for"
    )
    pending = [c for c in claims if not c.verified and not c.retracted]
    if pending:
        parts = [
            f"{c.outcome_id}: {c.count} {c.kind}"
            + (f" by {c.by}" if c.by else "")
            + f" (says {c.source}; refers to {c.refers_to})"
            for c in pending
        ]
        msg += (
            "; unverified claims do not account for anyone until verified with evidence: "
            + "; ".join(parts)
        )
    return msg
