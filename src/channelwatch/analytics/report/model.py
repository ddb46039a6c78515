"""The sections of an incident report, derived from a ledger bundle. Pure: no I/O, no clock.

The bundle is the ledger's inquiry export (format ``channelwatch-ledger-bundle/1``): each item
holds the exact entry text (canonical JSON with ``type``, ``time``, ``actor``, ``payload``,
``policy_hash``). Entries are sorted into roles by their type (the vocabularies of
``channelwatch.cases`` and ``channelwatch.doctrine``, with a fallback on the words of unknown
types), and every row of the report keeps the index of the entry it came from.

A decision is shown with the advice that was in front of the decider: the advice carried in the
decision's own payload when there is one, else the latest advice recorded before it in the case
(preferring advice shown to the same person).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from channelwatch.analytics.errors import AnalyticsInputError

DECISION_TYPES = frozenset(
    {
        "case_opened",
        "case_correlated",
        "report_split",
        "cases_merged",
        "link_dismissed",
        "handover_accepted",
        "handover_rejected",
        "handover_withdrawn",
        "task_assigned",
        "outcome_verified",
        "outcome_retracted",
        "persons_revised",
        "decision_recorded",
        "decision",
        "case_closed",
        "case_reopened",
    }
)
ADVICE_TYPES = frozenset(
    {
        "correlation_suggested",
        "advice_shown",
        "assessment_attached",
        "assessment",
        "doctrine_verdict",
    }
)
REFUSED_TYPES = frozenset({"command_refused"})
OUTCOME_TYPES = frozenset(
    {"outcome_recorded", "outcome_verified", "outcome_retracted", "persons_revised", "case_closed"}
)
TASK_TYPES = frozenset({"task_assigned", "task_updated"})
_PLAN_WORDS = ("drift", "search", "datum", "leeway")
_DECIDED_WORDS = ("decision", "decided", "decide", "accept", "reject", "close", "order")
_ADVICE_WORDS = ("advice", "advised", "verdict", "recommend", "assess", "suggest")
# Payload keys that could identify a person: shown as "[redacted]" (people are never identified).
_PERSONAL_KEY = re.compile(r"phone|msisdn|imei|imsi|caller_?id|e_?mail|passport", re.IGNORECASE)
REDACTED = "[redacted]"


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """One ledger entry as the report shows it."""

    index: int
    time: datetime
    type: str
    actor: str
    payload: Mapping[str, Any]
    policy_hash: str | None
    role: str  # decision | advice | refused | system | record
    summary: str


@dataclass(frozen=True, slots=True)
class CallRow:
    """A call or sighting reported into the case (first time it appears in the ledger)."""

    index: int
    time: datetime
    report_id: str
    kind: str
    received_by: str
    lat: float | None
    lon: float | None
    accuracy_m: float | None
    persons: int | None
    description: str
    handled: str  # what was done with it, from the entry that carried it


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """A human decision and the advice in front of the decider."""

    entry: ReportEntry
    advice: tuple[str, ...]  # readable lines
    advice_index: int | None  # the entry the advice comes from (None: no advice recorded)
    against_advice: bool | None


@dataclass(frozen=True, slots=True)
class Point:
    index: int
    time: datetime
    lat: float
    lon: float
    label: str
    kind: str  # call | sighting | outcome | datum | other


@dataclass(frozen=True, slots=True)
class Shape:
    index: int
    label: str
    geometry: Mapping[str, Any]  # a GeoJSON geometry in lon/lat


@dataclass(frozen=True, slots=True)
class Verification:
    """What the offline verifier said about the bundle, and against which key."""

    ok: bool | None  # None: not run
    summary: str
    problems: tuple[str, ...]
    key_source: str  # "given" (trusted key from the user) or "bundle" (the bundle's own key)
    tree_size: int | None
    root_hex: str | None
    origin: str
    checkpoint: str
    public_key: str
    leaf_hashes: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IncidentReport:
    case_id: str
    generated_at: datetime
    entries: tuple[ReportEntry, ...]
    calls: tuple[CallRow, ...]
    decisions: tuple[DecisionRow, ...]
    refused: tuple[ReportEntry, ...]
    advice: tuple[ReportEntry, ...]
    tasks: tuple[ReportEntry, ...]
    outcomes: tuple[ReportEntry, ...]
    plans: tuple[ReportEntry, ...]
    points: tuple[Point, ...]
    shapes: tuple[Shape, ...]
    verification: Verification
    centres: tuple[str, ...]
    persons: Mapping[str, Any] | None  # the last tally recorded (case_closed), if any
    status: str | None
    redacted: int

    @property
    def first(self) -> datetime:
        return self.entries[0].time

    @property
    def last(self) -> datetime:
        return self.entries[-1].time


# --- small helpers ------------------------------------------------------------------------


def parse_time(text: str) -> datetime:
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise AnalyticsInputError(f"entry time {text!r} is not ISO 8601") from None
    if t.tzinfo is None:
        raise AnalyticsInputError(f"entry time {text!r} has no UTC offset")
    return t.astimezone(UTC)


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _text(value: Any, limit: int = 160) -> str:
    if value is None:
        return "–"
    s = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _hhmm(value: Any) -> str:
    if isinstance(value, str):
        try:
            return f"{parse_time(value):%H:%M}"
        except AnalyticsInputError:
            return value
    return _text(value)


def redact(value: Any) -> tuple[Any, int]:
    """A copy with personal keys' values replaced, and how many were replaced."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        n = 0
        for k, v in value.items():
            if _PERSONAL_KEY.search(str(k)):
                out[str(k)] = REDACTED
                n += 1
            else:
                out[str(k)], m = redact(v)
                n += m
        return out, n
    if isinstance(value, list | tuple):
        items = [redact(v) for v in value]
        return [v for v, _ in items], sum(m for _, m in items)
    return value, 0


def role_of(event_type: str) -> str:
    if event_type in REFUSED_TYPES:
        return "refused"
    if event_type in DECISION_TYPES:
        return "decision"
    if event_type in ADVICE_TYPES:
        return "advice"
    if event_type in ("handover_requested", "handover_expired"):
        return "system"
    words = re.split(r"[._\-]", event_type.lower())
    if any(w.startswith(_DECIDED_WORDS) for w in words):
        return "decision"
    if any(w.startswith(_ADVICE_WORDS) for w in words):
        return "advice"
    return "record"


# --- advice and summaries ------------------------------------------------------------------


def advice_lines(advice: Any) -> tuple[str, ...]:
    """Readable lines of an advice payload (correlation, doctrine verdicts, phase, other)."""
    if advice is None:
        return ()
    if not isinstance(advice, Mapping):
        return (_text(advice, 300),)
    if "candidates" in advice and "verdict" in advice:
        cands = [c for c in advice.get("candidates") or [] if isinstance(c, Mapping)]
        top = ", ".join(
            f"{c.get('case_id')} p={_num(c.get('probability')) or 0.0:.2f}" for c in cands[:3]
        )
        p_new = _num(advice.get("p_new"))
        line = f"correlation: {str(advice['verdict']).upper()}"
        if advice.get("case_id"):
            line += f" → {advice['case_id']}"
        line += f" (candidates {top or 'none'}"
        line += f"; new boat p={p_new:.2f})" if p_new is not None else ")"
        return (line,)
    verdicts = [(k, v) for k, v in advice.items() if isinstance(v, Mapping) and "verdict" in v]
    if verdicts:
        out = []
        for action, v in verdicts:
            reasons = [
                f"{r.get('text') or r.get('rule')} [{r.get('citation')}]"
                for r in v.get("reasons") or []
                if isinstance(r, Mapping)
            ]
            line = f"{action}: {str(v['verdict']).upper()}"
            if v.get("required_actions"):
                line += f"; requires {', '.join(map(str, v['required_actions']))}"
            if reasons:
                line += " — " + "; ".join(reasons[:3])
            out.append(line)
        return tuple(out)
    return tuple(f"{k}: {_text(v, 200)}" for k, v in advice.items())


def _report_text(r: Mapping[str, Any]) -> str:
    bits = [str(r.get("kind", "report")), str(r.get("report_id", ""))]
    if r.get("persons") is not None:
        bits.append(f"{r['persons']} aboard")
    return " ".join(b for b in bits if b)


def summarise(event_type: str, p: Mapping[str, Any]) -> str:
    """One line saying what an entry records."""
    report = p.get("report") if isinstance(p.get("report"), Mapping) else None
    adv = advice_lines(p.get("advice"))
    adv_text = f"; advice {adv[0]}" if adv else ""
    if event_type == "case_opened":
        src = _report_text(report) if report else p.get("origin", "")
        return f"case opened, coordinated by {p.get('centre', '?')} ({src}){adv_text}"
    if event_type == "case_correlated" and report:
        return f"{_report_text(report)} attached to {p.get('case_id')}{adv_text}"
    if event_type == "correlation_suggested" and report:
        return f"advice for {_report_text(report)}{adv_text}"
    if event_type == "handover_requested":
        return (
            f"handover {p.get('from_centre')} → {p.get('to_centre')} requested "
            f"(expires {_hhmm(p.get('expires_at'))}): {_text(p.get('reason'))}"
        )
    if event_type in ("handover_accepted", "handover_rejected", "handover_withdrawn"):
        verb = event_type.split("_")[1]
        return f"handover {p.get('from_centre')} → {p.get('to_centre')} {verb}"
    if event_type == "command_refused":
        return f"REFUSED {p.get('command')}: {_text(p.get('error'), 300)}"
    if event_type == "task_assigned":
        return f"{p.get('kind')} task {p.get('task_id')} assigned to {p.get('asset')}"
    if event_type == "task_updated":
        note = f" ({p['note']})" if p.get("note") else ""
        return f"{p.get('asset')}: {p.get('from_status')} → {p.get('status')}{note}"
    if event_type in ("outcome_recorded", "outcome_verified") and isinstance(
        p.get("outcome"), Mapping
    ):
        o = p["outcome"]
        checked = "verified" if o.get("verified") else "NOT verified"
        by = f" by {o['by']}" if o.get("by") else ""
        return (
            f"{o.get('count')} {o.get('kind')}{by} — source {_text(o.get('source'))}; {checked}"
            f"; evidence {o.get('evidence_ref') or 'none'}"
        )
    if event_type == "cases_merged":
        return f"{p.get('merged_case_id')} merged into {p.get('case_id')}: {_text(p.get('reason'))}"
    if event_type == "report_split":
        return (
            f"{p.get('report_id')} split from {p.get('case_id')} to "
            f"{p.get('to_case_id') or 'a new case'}: {_text(p.get('reason'))}"
        )
    if event_type == "link_dismissed":
        return f"possible link to {p.get('other_case_id')} dismissed: {_text(p.get('reason'))}"
    if event_type == "outcome_retracted":
        return f"outcome {p.get('outcome_id')} retracted: {_text(p.get('reason'))}"
    if event_type in ("decision_recorded", "decision"):
        what = p.get("decision") or p.get("action")
        note = f" — note: {_text(p['note'], 300)}" if p.get("note") else ""
        flag = " (AGAINST ADVICE)" if p.get("against_advice") else ""
        return f"{_text(what, 300)}{flag}{note}"
    if event_type == "case_closed":
        raw = p.get("tally")
        tally: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        return (
            f"case closed ({p.get('kind')}): {_text(p.get('reason'))}; "
            f"{tally.get('accounted', '?')} of {tally.get('figure', '?')} accounted for, "
            f"{tally.get('missing', '?')} missing"
        )
    if event_type in ("assessment_attached", "assessment"):
        got = p.get("assessment")
        a: Mapping[str, Any] = got if isinstance(got, Mapping) else p
        factors = a.get("factors")
        return f"distress phase {p.get('phase') or a.get('phase')}" + (
            f": {', '.join(map(str, factors))}" if isinstance(factors, list) else ""
        )
    if event_type == "advice_shown":
        return "advice shown: " + " | ".join(adv) if adv else "advice shown"
    scalars = [
        f"{k}={_text(v, 60)}"
        for k, v in sorted(p.items())
        if k not in ("actor", "case_id", "advice") and not isinstance(v, Mapping | list)
    ]
    return _text("; ".join(scalars) or event_type, 300)


# --- geometry found in payloads ------------------------------------------------------------

_GEOJSON_TYPES = frozenset(
    {"Point", "LineString", "Polygon", "MultiPolygon", "MultiLineString", "MultiPoint"}
)


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    if isinstance(value, Mapping):
        yield path, value
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")


def _points_and_shapes(e: ReportEntry) -> tuple[list[Point], list[Shape]]:
    points: list[Point] = []
    shapes: list[Shape] = []
    for path, d in _walk(e.payload):
        if path.endswith("advice") or ".advice" in path:
            continue  # candidate positions are the system's, not observations
        lat, lon = _num(d.get("lat")), _num(d.get("lon"))
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            kind = str(d.get("kind", "")).lower()
            if "call" in kind:
                k = "call"
            elif kind:
                k = "sighting"
            elif "datum" in path:
                k = "datum"
            elif "outcome" in path or "where" in path:
                k = "outcome"
            else:
                k = "other"
            label = str(d.get("report_id") or path or e.type)
            t = parse_time(d["time"]) if isinstance(d.get("time"), str) else e.time
            points.append(Point(e.index, t, lat, lon, label, k))
        if d.get("type") in _GEOJSON_TYPES and "coordinates" in d and d.get("type") != "Point":
            shapes.append(Shape(e.index, f"{e.type} {path}".strip(), d))
    return points, shapes


# --- building the report -------------------------------------------------------------------


def _entries(bundle: Mapping[str, Any]) -> tuple[list[ReportEntry], int]:
    items = bundle.get("entries")
    if not isinstance(items, Sequence) or not items:
        raise AnalyticsInputError("the bundle has no entries")
    out: list[ReportEntry] = []
    redacted = 0
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("entry"), str):
            raise AnalyticsInputError("a bundle item has no entry text")
        try:
            doc = json.loads(item["entry"])
        except ValueError:
            raise AnalyticsInputError(f"entry {item.get('index')} is not JSON") from None
        if not isinstance(doc, Mapping) or not isinstance(doc.get("payload"), Mapping):
            raise AnalyticsInputError(f"entry {item.get('index')} has no payload object")
        payload, n = redact(doc["payload"])
        redacted += n
        kind = str(doc.get("type", ""))
        out.append(
            ReportEntry(
                index=int(item.get("index", len(out))),
                time=parse_time(str(doc.get("time", ""))),
                type=kind,
                actor=str(doc.get("actor", "")),
                payload=payload,
                policy_hash=doc.get("policy_hash"),
                role=role_of(kind),
                summary=summarise(kind, payload),
            )
        )
    out.sort(key=lambda e: e.index)
    return out, redacted


def _calls(entries: Sequence[ReportEntry]) -> list[CallRow]:
    seen: dict[str, CallRow] = {}
    for e in entries:
        r = e.payload.get("report")
        if not isinstance(r, Mapping):
            continue
        rid = str(r.get("report_id", f"entry-{e.index}"))
        handled = {
            "case_opened": f"opened case {e.payload.get('case_id')}",
            "case_correlated": f"attached to {e.payload.get('case_id')}",
            "correlation_suggested": "advice only",
        }.get(e.type, e.type)
        if rid in seen:
            if seen[rid].handled == "advice only" and handled != "advice only":
                old = seen[rid]
                seen[rid] = CallRow(**{**_row_dict(old), "handled": f"{handled} ({e.actor})"})
            continue
        time = parse_time(r["time"]) if isinstance(r.get("time"), str) else e.time
        persons = r.get("persons")
        seen[rid] = CallRow(
            index=e.index,
            time=time,
            report_id=rid,
            kind=str(r.get("kind", "")),
            received_by=str(r.get("received_by", "")),
            lat=_num(r.get("lat")),
            lon=_num(r.get("lon")),
            accuracy_m=_num(r.get("accuracy_m")),
            persons=persons if isinstance(persons, int) and not isinstance(persons, bool) else None,
            description=_describe_report(r),
            handled=handled if handled == "advice only" else f"{handled} ({e.actor})",
        )
    return sorted(seen.values(), key=lambda c: (c.time, c.index))


def _row_dict(c: CallRow) -> dict[str, Any]:
    return {name: getattr(c, name) for name in CallRow.__slots__}


def _describe_report(r: Mapping[str, Any]) -> str:
    bits = [str(r["description"])] if r.get("description") else []
    if r.get("water_coming_in"):
        bits.append("water coming in")
    if r.get("engine"):
        bits.append(f"engine {r['engine']}")
    return "; ".join(bits)


_STANDING_ADVICE = frozenset(
    {"advice_shown", "doctrine_verdict", "assessment_attached", "assessment"}
)


def _decisions(entries: Sequence[ReportEntry]) -> list[DecisionRow]:
    """Decisions with their advice: the decision's own ``advice`` field when it has one (even
    empty: then none was recorded with it), else the latest standing advice before it (doctrine
    advice shown, or the distress assessment), preferring advice shown to the same person.
    Correlation advice is never borrowed: it belongs to the report it was given for.
    """
    out = []
    standing: list[ReportEntry] = []
    for e in entries:
        if e.type in _STANDING_ADVICE:
            standing.append(e)
        if e.role != "decision":
            continue
        against_raw = e.payload.get("against_advice")
        against = against_raw if isinstance(against_raw, bool) else None
        if "advice" in e.payload:
            lines = advice_lines(e.payload["advice"])
            out.append(DecisionRow(e, lines, e.index if lines else None, against))
            continue
        candidates = [a for a in standing if a.actor == e.actor] or standing
        if not candidates:
            out.append(DecisionRow(e, (), None, against))
            continue
        source = candidates[-1]
        lines = advice_lines(source.payload.get("advice")) or (source.summary,)
        out.append(DecisionRow(e, lines, source.index, against))
    return out


def build_report(
    bundle: Mapping[str, Any], verification: Verification, generated_at: datetime
) -> IncidentReport:
    """The report of the bundle's case. ``generated_at`` (UTC) is stated on every page."""
    if generated_at.tzinfo is None:
        raise AnalyticsInputError("generated_at must be timezone-aware UTC")
    case_id = bundle.get("case_id")
    if not isinstance(case_id, str) or not case_id:
        raise AnalyticsInputError("the bundle names no case_id")
    entries, redacted = _entries(bundle)
    points: list[Point] = []
    shapes: list[Shape] = []
    for e in entries:
        p, s = _points_and_shapes(e)
        points += p
        shapes += s
    unique: dict[tuple[float, float, str], Point] = {}
    for pt in points:
        unique.setdefault((pt.lat, pt.lon, pt.label), pt)
    centres = sorted(
        {str(e.payload.get("centre")) for e in entries if e.payload.get("centre")}
        | {e.actor.split("/")[0] for e in entries if "/" in e.actor} - {"SYSTEM"}
    )
    persons: Mapping[str, Any] | None = None
    status: str | None = None
    for e in entries:
        if e.type == "case_closed":
            tally = e.payload.get("tally")
            persons = tally if isinstance(tally, Mapping) else persons
            status = f"closed ({e.payload.get('kind')})"
        elif e.type == "case_reopened":
            status = "reopened"
    return IncidentReport(
        case_id=case_id,
        generated_at=generated_at.astimezone(UTC),
        entries=tuple(entries),
        calls=tuple(_calls(entries)),
        decisions=tuple(_decisions(entries)),
        refused=tuple(e for e in entries if e.role == "refused"),
        advice=tuple(e for e in entries if e.role == "advice"),
        tasks=tuple(e for e in entries if e.type in TASK_TYPES),
        outcomes=tuple(e for e in entries if e.type in OUTCOME_TYPES),
        plans=tuple(
            e
            for e in entries
            if any(w in e.type.lower() for w in _PLAN_WORDS) and e.type not in TASK_TYPES
        ),
        points=tuple(sorted(unique.values(), key=lambda p: (p.time, p.index))),
        shapes=tuple(shapes),
        verification=verification,
        centres=tuple(centres),
        persons=persons,
        status=status,
        redacted=redacted,
    )
