"""Alert rules on the picture: pure functions of numbers and small state, no I/O.

Each rule says what is new since the last picture: a small boat crossing the SAR line (its SAR
region changed between two consecutive positions), a likely taxi-boat pick-up (a small boat
still or slow within ~300 m of an embarkation beach while its persons count grows), and how
tracker events and case events become alerts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from channelwatch.geo import haversine_m

CRITICAL = "critical"
WARNING = "warning"
INFO = "info"

PHASE_ORDER = {None: 0, "none": 0, "uncertainty": 1, "alert": 2, "distress": 3}
PHASE_SEVERITY = {"uncertainty": INFO, "alert": WARNING, "distress": CRITICAL}
PICKUP_RADIUS_M = 300.0
PICKUP_MAX_SOG_KN = 3.0
BOAT_KINDS = frozenset({"small_boat"})


@dataclass(frozen=True, slots=True)
class AlertDraft:
    """An alert before it is recorded (the service gives it an id and a ledger index)."""

    kind: str
    severity: str
    message: str
    lat: float | None = None
    lon: float | None = None
    track_id: str | None = None
    case_id: str | None = None
    centre: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


def sar_crossings(
    track_ids: Sequence[str],
    kinds: Sequence[str],
    regions: Sequence[str | None],
    previous: dict[str, str],
) -> list[tuple[str, str, str]]:
    """(track_id, from, to) for boats whose SAR region changed; updates ``previous``.

    Only small boats are followed (ships cross the line all day). A position outside both
    regions keeps the last region known, so leaving the area and coming back is not a crossing.
    """
    out: list[tuple[str, str, str]] = []
    for tid, kind, region in zip(track_ids, kinds, regions, strict=True):
        if kind not in BOAT_KINDS or region is None:
            continue
        before = previous.get(tid)
        if before is not None and before != region:
            out.append((tid, before, region))
        previous[tid] = region
    return out


def near_beaches(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    beach_lat: npt.ArrayLike,
    beach_lon: npt.ArrayLike,
    radius_m: float = PICKUP_RADIUS_M,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """For each point, the nearest beach's index (-1 if none within ``radius_m``) and distance."""
    la = np.asarray(lat, float)
    lo = np.asarray(lon, float)
    bla = np.asarray(beach_lat, float)
    blo = np.asarray(beach_lon, float)
    if la.size == 0 or bla.size == 0:
        return np.full(la.shape, -1, np.int64), np.full(la.shape, np.inf)
    d = haversine_m(la[:, None], lo[:, None], bla[None, :], blo[None, :])
    nearest = np.argmin(d, axis=1)
    dist = d[np.arange(la.size), nearest]
    return np.where(dist <= radius_m, nearest, -1).astype(np.int64), dist


def taxi_pickups(
    track_ids: Sequence[str],
    kinds: Sequence[str],
    sog_kn: Sequence[float],
    persons: Sequence[int | None],
    beach_index: Sequence[int],
    previous_persons: dict[str, int],
    max_sog_kn: float = PICKUP_MAX_SOG_KN,
) -> list[tuple[str, int, int | None, int]]:
    """(track_id, beach index, persons before, persons now) for likely pick-ups.

    A boat (small boat or unknown) still or slow by an embarkation beach whose reported persons
    count grew since the last picture; ``previous_persons`` is updated with every known count.
    """
    out: list[tuple[str, int, int | None, int]] = []
    for tid, kind, sog, n, b in zip(track_ids, kinds, sog_kn, persons, beach_index, strict=True):
        if n is None:
            continue
        before = previous_persons.get(tid)
        previous_persons[tid] = n
        if kind not in ("small_boat", "unknown") or b < 0 or not (sog <= max_sog_kn):
            continue
        if before is None or n > before:
            if before is None and n <= 0:
                continue
            out.append((tid, int(b), before, n))
    return out


def alert_for_track_event(event_type: str, payload: Mapping[str, Any]) -> AlertDraft | None:
    """The alert (if any) of a tracker event."""
    tid = payload.get("track_id")
    lat, lon = payload.get("lat"), payload.get("lon")
    la = float(lat) if isinstance(lat, int | float) else None
    lo = float(lon) if isinstance(lon, int | float) else None
    if event_type == "track.new_small_boat":
        n = payload.get("persons_estimate")
        who = f", about {n} aboard" if n else ""
        return AlertDraft(
            "new_small_boat", WARNING, f"new small boat {tid}{who}", la, lo, tid, details=payload
        )
    if event_type == "track.ais_gap":
        name = payload.get("name") or payload.get("mmsi")
        return AlertDraft(
            "ais_gap", INFO, f"AIS silent: {name} ({tid})", la, lo, tid, details=payload
        )
    if event_type == "track.lost" and payload.get("kind") in ("small_boat", "unknown"):
        return AlertDraft(
            "track_lost",
            WARNING if payload.get("kind") == "small_boat" else INFO,
            f"track {tid} ({payload.get('kind')}) lost: no detection since "
            f"{payload.get('last_update')}",
            la,
            lo,
            tid,
            details=payload,
        )
    return None


def alert_for_case_event(
    event_type: str, payload: Mapping[str, Any], previous_phase: str | None
) -> AlertDraft | None:
    """The alert (if any) of a case event: a distress phase raised, a handover requested."""
    case_id = payload.get("case_id")
    if event_type == "assessment_attached":
        phase = payload.get("phase")
        if PHASE_ORDER.get(phase, 0) > PHASE_ORDER.get(previous_phase, 0):
            return AlertDraft(
                "distress_phase",
                PHASE_SEVERITY.get(str(phase), WARNING),
                f"case {case_id}: phase raised to {phase}"
                + (f" (was {previous_phase})" if previous_phase else ""),
                case_id=case_id,
                details={"phase": phase, "previous_phase": previous_phase},
            )
        return None
    if event_type == "handover_requested":
        to = payload.get("to_centre")
        return AlertDraft(
            "handover_requested",
            WARNING,
            f"case {case_id}: handover to {to} requested ({payload.get('request_id')})",
            case_id=case_id,
            centre=str(to) if to else None,
            details={
                "request_id": payload.get("request_id"),
                "from_centre": payload.get("from_centre"),
                "to_centre": to,
                "expires_at": payload.get("expires_at"),
            },
        )
    return None
