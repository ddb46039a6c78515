"""Run a simulated scenario through ChannelWatch's own pipeline (ingest → tracker → cases),
at library level, and collect what the operators would have seen, for comparison with truth."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from channelwatch.cases import (
    Actor,
    AttachReport,
    CaseBook,
    OpenCase,
    Report,
    ReportKind,
    SuggestCorrelation,
)
from channelwatch.cases.srr import default_lookup
from channelwatch.events import Event, MemorySink
from channelwatch.geo import LocalProjection
from channelwatch.ingest.contacts import read_contacts
from channelwatch.ingest.observation import AisPosition, AisStatic, ContactReport, DistressCall
from channelwatch.ingest.sources import iter_observations
from channelwatch.track import Tracker, TrackView


def parse_time(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(UTC)


@dataclass
class Seen:
    snapshots: dict[datetime, list[TrackView]] = field(default_factory=dict)
    track_events: list[Event] = field(default_factory=list)
    call_case: dict[str, str] = field(default_factory=dict)  # call id -> case id
    sink: MemorySink = field(default_factory=MemorySink)
    book: CaseBook | None = None


def truth_rows(folder: Path) -> dict[datetime, list[dict[str, Any]]]:
    out: dict[datetime, list[dict[str, Any]]] = defaultdict(list)
    with (folder / "truth.csv").open() as fh:
        for row in csv.DictReader(fh):
            out[parse_time(row["time"])].append(row)
    return out


def truth_events(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (folder / "truth_events.jsonl").read_text().splitlines()]


def run_pipeline(folder: Path, snapshot_times: list[datetime]) -> Seen:
    """Feed the scenario's AIS and contacts in time order; take the picture at each snapshot."""
    seen = Seen()
    tracker = Tracker(LocalProjection(51.0, 1.45), sink=None)
    book = CaseBook(seen.sink, default_lookup())
    seen.book = book
    fr = Actor("cross-gn-operator-1", "FR")
    ais = [o for o in iter_observations(folder / "ais.nmea")]
    contacts = read_contacts(folder / "contacts.jsonl").accepted
    stream: list[tuple[datetime, int, Any]] = [(o.time, 0, o) for o in ais]
    stream += [(c.time, 1, c) for c in contacts]
    stream.sort(key=lambda x: (x[0], x[1]))
    snaps = sorted(snapshot_times)
    si = 0
    i = 0
    while i < len(stream):
        t, _, obs = stream[i]
        while si < len(snaps) and snaps[si] < t:
            seen.track_events += tracker.tick(snaps[si])
            seen.snapshots[snaps[si]] = tracker.tracks(snaps[si])
            si += 1
        if isinstance(obs, AisPosition | AisStatic):
            seen.track_events += tracker.ingest(obs)
            i += 1
        elif isinstance(obs, DistressCall):
            _handle_call(book, fr, obs, seen)
            i += 1
        elif isinstance(obs, ContactReport) and str(obs.sensor) == "radar":
            # one radar's plots at one time are one sweep
            j = i
            sweep = []
            while j < len(stream) and stream[j][0] == t:
                o = stream[j][2]
                if isinstance(o, ContactReport) and o.sensor_id == obs.sensor_id:
                    sweep.append(o)
                j += 1
            seen.track_events += tracker.ingest_scan(sweep)
            # skip exactly the plots of this sweep; others at the same time are handled in turn
            rest = [
                x
                for x in stream[i:j]
                if not (isinstance(x[2], ContactReport) and x[2].sensor_id == obs.sensor_id)
            ]
            stream[i:j] = rest
        else:
            seen.track_events += tracker.ingest(obs)
            i += 1
    for t in snaps[si:]:
        seen.track_events += tracker.tick(t)
        seen.snapshots[t] = tracker.tracks(t)
    return seen


def _handle_call(book: CaseBook, op: Actor, call: DistressCall, seen: Seen) -> None:
    """The operator follows the system's suggestion: attach when it says SAME, else a new case
    (POSSIBLE stays separate until a person decides: the safe failure)."""
    report = Report(
        call.call_id or "call",
        ReportKind.CALL,
        call.time,
        call.lat,
        call.lon,
        call.accuracy_m,
        persons=call.persons_reported,
    )
    advice = book.execute(SuggestCorrelation(actor=op, time=call.time, report=report)).advice
    if advice is not None and str(advice.verdict) == "same" and advice.case_id:
        book.execute(
            AttachReport(
                actor=op, time=call.time, case_id=advice.case_id, report=report, advice=advice
            )
        )
        seen.call_case[report.report_id] = advice.case_id
    else:
        res = book.execute(OpenCase(actor=op, time=call.time, report=report, advice=advice))
        assert res.case_id is not None
        seen.call_case[report.report_id] = res.case_id


def every(start: datetime, end: datetime, step_s: float) -> list[datetime]:
    out = []
    t = start
    while t <= end:
        out.append(t)
        t += timedelta(seconds=step_s)
    return out
