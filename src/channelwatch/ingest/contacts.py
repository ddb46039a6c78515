"""Contact reports (radar plots, aerial and drone sightings) and distress calls, from JSON or CSV.

Every record is validated with pydantic; a bad record is rejected with a message that names the
field, and reading carries on, so nothing already accepted is lost (``strict=True`` raises on
the first bad record instead). Unknown fields are refused: a call record cannot smuggle in a
phone number or a name. People aboard are counted, never identified.

Record shapes (JSON object, one CSV row with a header):

- contact: ``kind`` "contact", ``time``, ``lat``, ``lon``, ``sensor`` (radar, aerial, drone),
  ``sensor_id``, ``sigma_m`` (1-sigma position uncertainty), optional ``persons_estimate``,
  ``description``, ``report_id``;
- call: ``kind`` "call", ``time``, ``lat``, ``lon``, ``accuracy_m`` (radius of the phone
  position), optional ``persons_reported``, ``children_aboard``, ``water_coming_in``,
  ``engine`` (running, failed, unknown), ``call_id`` (the operator's reference), ``note``.

``kind`` may be left out when the record says which it is (``sensor`` or ``accuracy_m``).
Times are ISO 8601 with a UTC offset, or UNIX seconds; times without an offset are refused.
JSON files hold one object, a list of objects, or one object per line (JSON lines).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from channelwatch.ingest.errors import ContactError, SourceInputError
from channelwatch.ingest.observation import ContactReport, DistressCall, EngineState, Sensor

Lat = Annotated[float, Field(ge=-90.0, le=90.0, allow_inf_nan=False)]
Lon = Annotated[float, Field(ge=-180.0, le=180.0, allow_inf_nan=False)]
Metres = Annotated[float, Field(gt=0.0, le=1_000_000.0, allow_inf_nan=False)]
Persons = Annotated[int, Field(ge=0, le=10_000)]
ShortText = Annotated[str, Field(max_length=500)]
Reference = Annotated[str, Field(min_length=1, max_length=100)]

ContactOrCall = ContactReport | DistressCall


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    time: AwareDatetime
    lat: Lat
    lon: Lon

    @field_validator("time", mode="before")
    @classmethod
    def _unix_seconds(cls, v: Any) -> Any:
        # A number, or a CSV cell of digits, is UNIX seconds: UTC by definition.
        if isinstance(v, int | float) and not isinstance(v, bool):
            return datetime.fromtimestamp(float(v), UTC)
        if isinstance(v, str) and v.strip().replace(".", "", 1).isdigit():
            return datetime.fromtimestamp(float(v), UTC)
        return v


class ContactIn(_Record):
    kind: Literal["contact"] = "contact"
    sensor: Literal["radar", "aerial", "drone"]
    sensor_id: Reference
    sigma_m: Metres
    persons_estimate: Persons | None = None
    description: ShortText | None = None
    report_id: Reference | None = None

    def to_observation(self) -> ContactReport:
        return ContactReport(
            time=self.time.astimezone(UTC),
            lat=self.lat,
            lon=self.lon,
            sensor=Sensor(self.sensor),
            sensor_id=self.sensor_id,
            sigma_m=self.sigma_m,
            persons_estimate=self.persons_estimate,
            description=self.description or None,
            report_id=self.report_id,
        )


class CallIn(_Record):
    kind: Literal["call"] = "call"
    accuracy_m: Metres
    persons_reported: Persons | None = None
    children_aboard: bool | None = None
    water_coming_in: bool | None = None
    engine: Literal["running", "failed", "unknown"] = "unknown"
    call_id: Reference | None = None
    note: ShortText | None = None

    def to_observation(self) -> DistressCall:
        return DistressCall(
            time=self.time.astimezone(UTC),
            lat=self.lat,
            lon=self.lon,
            accuracy_m=self.accuracy_m,
            persons_reported=self.persons_reported,
            children_aboard=self.children_aboard,
            water_coming_in=self.water_coming_in,
            engine=EngineState(self.engine),
            call_id=self.call_id,
            note=self.note or None,
        )


@dataclass(frozen=True, slots=True)
class Rejection:
    """A record refused: where it was (1-based), which field, why."""

    record: int
    field: str
    message: str


@dataclass(slots=True)
class ContactBatch:
    """What a file gave: accepted observations in file order, and the rejected records."""

    accepted: list[ContactOrCall] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


class _BadJson:
    """Stands in for a JSON line that does not parse, so that it is rejected in its place."""

    def __init__(self, message: str) -> None:
        self.message = message


def _kind_of(record: Mapping[str, Any]) -> str:
    kind = record.get("kind")
    if kind in ("contact", "call"):
        return str(kind)
    if kind not in (None, ""):
        raise ContactError("kind", f"must be 'contact' or 'call', got {kind!r}")
    if "sensor" in record:
        return "contact"
    if "accuracy_m" in record:
        return "call"
    raise ContactError("kind", "missing, and neither 'sensor' nor 'accuracy_m' says which")


def parse_record(record: Any, number: int | None = None) -> ContactOrCall:
    """Validate one record (a mapping); raises ContactError naming the first bad field."""
    if isinstance(record, _BadJson):
        raise ContactError("record", record.message, number)
    if not isinstance(record, Mapping):
        raise ContactError("record", f"must be an object, got {type(record).__name__}", number)
    # CSV leaves missing optional values as empty strings: they mean "not given".
    clean = {k: v for k, v in record.items() if not (isinstance(v, str) and not v.strip())}
    try:
        kind = _kind_of(clean)
        model: type[ContactIn] | type[CallIn] = ContactIn if kind == "contact" else CallIn
        return model.model_validate(clean).to_observation()
    except ContactError as exc:
        raise ContactError(exc.field, exc.message, number) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(p) for p in err["loc"]) or "record"
        raise ContactError(name, err["msg"], number) from None


def parse_records(records: Iterable[Any], *, strict: bool = False) -> ContactBatch:
    """Validate records in order; keep the good, reject the bad (or raise if ``strict``)."""
    out = ContactBatch()
    for i, rec in enumerate(records, start=1):
        try:
            out.accepted.append(parse_record(rec, i))
        except ContactError as exc:
            if strict:
                raise
            out.rejected.append(Rejection(i, exc.field, str(exc)))
    return out


def _json_records(text: str) -> Iterator[Any]:
    stripped = text.strip()
    if not stripped:
        return
    try:
        doc = json.loads(stripped)
    except json.JSONDecodeError:
        doc = None
    else:
        if isinstance(doc, list):
            yield from doc
        else:
            yield doc
        return
    # JSON lines: one object per line; a broken line is one bad record, not a bad file.
    for line in stripped.splitlines():
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError as exc:
            yield _BadJson(f"not JSON: {exc.msg}")


def read_contacts(path: str | Path, *, strict: bool = False) -> ContactBatch:
    """Read contact reports and distress calls from a .json, .jsonl or .csv file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceInputError(f"cannot read contacts file {str(path)!r}: {exc}") from exc
    return parse_text(text, csv_format=p.suffix.lower() == ".csv", strict=strict)


def parse_text(text: str, *, csv_format: bool = False, strict: bool = False) -> ContactBatch:
    """Parse contact records from JSON / JSON lines text, or CSV text with a header row."""
    if csv_format:
        rows: Iterable[Any] = csv.DictReader(io.StringIO(text))
    else:
        rows = _json_records(text)
    return parse_records(rows, strict=strict)


def to_dict(obs: ContactOrCall) -> dict[str, Any]:
    """The JSON shape of an accepted record (the same fields it was read from)."""
    if isinstance(obs, ContactReport):
        return {
            "kind": "contact",
            "time": obs.time.isoformat(),
            "lat": obs.lat,
            "lon": obs.lon,
            "sensor": obs.sensor.value,
            "sensor_id": obs.sensor_id,
            "sigma_m": obs.sigma_m,
            "persons_estimate": obs.persons_estimate,
            "description": obs.description,
            "report_id": obs.report_id,
        }
    return {
        "kind": "call",
        "time": obs.time.isoformat(),
        "lat": obs.lat,
        "lon": obs.lon,
        "accuracy_m": obs.accuracy_m,
        "persons_reported": obs.persons_reported,
        "children_aboard": obs.children_aboard,
        "water_coming_in": obs.water_coming_in,
        "engine": obs.engine.value,
        "call_id": obs.call_id,
        "note": obs.note,
    }
