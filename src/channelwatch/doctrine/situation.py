"""Situations as JSON: validated against the published schema, then turned into typed facts.

Errors name the field (``boat.boarding``) and the bad value; they are input errors (exit code 2
on the command line).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from channelwatch.assess.errors import AssessInputError
from channelwatch.assess.facts import (
    Boarding,
    BoatFacts,
    BoatKind,
    Environment,
    Fuel,
    Lifejackets,
)
from channelwatch.doctrine.actions import Action
from channelwatch.doctrine.errors import SituationError
from channelwatch.ingest.observation import EngineState

_PACKAGE = "channelwatch.doctrine"


@cache
def schema(name: str) -> dict[str, Any]:
    """A published JSON Schema of the package: "situation", "verdict" or "policy"."""
    if name not in ("situation", "verdict", "policy"):
        raise SituationError(f"no schema {name!r}: situation, verdict or policy")
    text = resources.files(_PACKAGE).joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    out: dict[str, Any] = json.loads(text)
    return out


@dataclass(frozen=True, slots=True)
class Situation:
    time: datetime  # UTC
    lat: float
    lon: float
    boat: BoatFacts
    environment: Environment
    request_for_assistance: bool | None = None
    action: Action | None = None

    def to_dict(self) -> dict[str, Any]:
        b, e = self.boat, self.environment
        boat = {
            "kind": b.kind.value,
            "length_m": b.length_m,
            "beam_m": b.beam_m,
            "persons_aboard": b.persons_aboard,
            "boarding": b.boarding.value,
            "children_aboard": b.children_aboard,
            "pregnant_aboard": b.pregnant_aboard,
            "medical_emergency": b.medical_emergency,
            "deceased_aboard": b.deceased_aboard,
            "person_in_water": b.person_in_water,
            "taking_water": b.taking_water,
            "engine": b.engine.value,
            "lifejackets": b.lifejackets.value,
            "fuel": b.fuel.value,
            "qualified_crew": b.qualified_crew,
            "communication": b.communication,
            "navigation_equipment": b.navigation_equipment,
        }
        out: dict[str, Any] = {
            "time": self.time.isoformat().replace("+00:00", "Z"),
            "position": {"lat": self.lat, "lon": self.lon},
            "boat": boat,
            "environment": {
                "wind_kn": e.wind_kn,
                "wave_m": e.wave_m,
                "water_temp_c": e.water_temp_c,
                "visibility_km": e.visibility_km,
                "daylight": e.daylight,
            },
            "request_for_assistance": self.request_for_assistance,
        }
        if self.action is not None:
            out["action"] = self.action.value
        return out


def _where(path: Any) -> str:
    parts = [str(p) for p in path]
    return ".".join(parts) if parts else "(top)"


def validate(doc: Any, name: str = "situation") -> None:
    """Check ``doc`` against a published schema; the error names the first bad field."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema(name))
    errors = sorted(validator.iter_errors(doc), key=lambda e: (len(e.absolute_path), e.message))
    if errors:
        err = errors[0]
        raise SituationError(f"{name}: {_where(err.absolute_path)}: {err.message}")


def parse_time(value: str) -> datetime:
    try:
        time = datetime.fromisoformat(value)
    except ValueError:
        raise SituationError(
            f"situation: time: {value!r} is not an ISO 8601 date-time (e.g. 2025-11-27T06:30:00Z)"
        ) from None
    if time.tzinfo is None or time.utcoffset() is None:
        raise SituationError(f"situation: time: {value!r} has no UTC offset (add Z or +00:00)")
    return time.astimezone(UTC)


def _enum(cls: Any, value: Any, unknown: Any) -> Any:
    return unknown if value is None else cls(value)


def parse_situation(doc: Any) -> Situation:
    """Validate a situation document (a parsed JSON object) and build the typed situation."""
    validate(doc, "situation")
    boat: dict[str, Any] = doc.get("boat") or {}
    env: dict[str, Any] = doc.get("environment") or {}
    try:
        boat_facts = BoatFacts(
            kind=_enum(BoatKind, boat.get("kind"), BoatKind.UNKNOWN),
            length_m=boat.get("length_m"),
            beam_m=boat.get("beam_m"),
            persons_aboard=boat.get("persons_aboard"),
            boarding=_enum(Boarding, boat.get("boarding"), Boarding.UNKNOWN),
            children_aboard=boat.get("children_aboard"),
            pregnant_aboard=boat.get("pregnant_aboard"),
            medical_emergency=boat.get("medical_emergency"),
            deceased_aboard=boat.get("deceased_aboard"),
            person_in_water=boat.get("person_in_water"),
            taking_water=boat.get("taking_water"),
            engine=_enum(EngineState, boat.get("engine"), EngineState.UNKNOWN),
            lifejackets=_enum(Lifejackets, boat.get("lifejackets"), Lifejackets.UNKNOWN),
            fuel=_enum(Fuel, boat.get("fuel"), Fuel.UNKNOWN),
            qualified_crew=boat.get("qualified_crew"),
            communication=boat.get("communication"),
            navigation_equipment=boat.get("navigation_equipment"),
        )
        environment = Environment(
            wind_kn=env.get("wind_kn"),
            wave_m=env.get("wave_m"),
            water_temp_c=env.get("water_temp_c"),
            visibility_km=env.get("visibility_km"),
            daylight=env.get("daylight"),
        )
    except AssessInputError as exc:
        raise SituationError(f"situation: {exc}") from None
    action = doc.get("action")
    return Situation(
        time=parse_time(doc["time"]),
        lat=float(doc["position"]["lat"]),
        lon=float(doc["position"]["lon"]),
        boat=boat_facts,
        environment=environment,
        request_for_assistance=doc.get("request_for_assistance"),
        action=None if action is None else Action(action),
    )


def load_situation(path: Path) -> Situation:
    """Read and parse a situation JSON file."""
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise SituationError(f"cannot read situation file {path}: {exc.strerror}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SituationError(f"{path}: not valid JSON: {exc}") from None
    return parse_situation(doc)
