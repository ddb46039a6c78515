"""Reading a case (scenarios) and the available units from their JSON files.

Both are validated against the JSON Schemas in ``schemas/`` first; then times are parsed
(timezone-aware only) and table keys checked, so every error names the bad value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from channelwatch.search.errors import SearchInputError
from channelwatch.search.plan import Pattern
from channelwatch.search.scenario import (
    DEFAULT_DRIFT_ERROR_KN,
    DriftScenario,
    GaussianScenario,
    Lkp,
    ParticleFileScenario,
    Scenario,
    Underway,
)
from channelwatch.search.sweep_width import Conditions, search_objects, unit_types


@dataclass(frozen=True, slots=True)
class Case:
    case_id: str
    search_time: datetime
    scenarios: tuple[Scenario, ...]
    conditions: Conditions
    search_object: str
    search_number: int = 1
    detection_model: str = "exponential"
    gaussian_particles: tuple[int, ...] = ()  # per scenario (0 where not Gaussian)


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """A search unit as given: a vessel or aircraft, never a person."""

    id: str
    unit_type: str
    speed_kn: float
    endurance_h: float
    start_lat: float
    start_lon: float
    transit_speed_kn: float | None = None
    on_scene_hours: float | None = None
    pattern: Pattern = "auto"
    fatigued: bool = False
    altitude_ft: float | None = None
    nav_error_nm: float = 0.1


@cache
def schema(name: str) -> dict[str, Any]:
    """A JSON Schema of the package (``case`` or ``units``)."""
    text = resources.files("channelwatch.search").joinpath(f"schemas/{name}.schema.json")
    loaded: dict[str, Any] = json.loads(text.read_text())
    return loaded


def _validate(doc: Any, name: str, source: str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema(name))
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise SearchInputError(f"{source}: {where}: {first.message}")


def parse_time(value: str, what: str) -> datetime:
    """An ISO 8601 time with a UTC offset (``Z`` accepted), as a UTC datetime."""
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SearchInputError(f"{what}: not an ISO 8601 time: {value!r}") from None
    if t.tzinfo is None or t.utcoffset() is None:
        raise SearchInputError(f"{what}: time needs a UTC offset (e.g. 'Z'): {value!r}")
    return t.astimezone(UTC)


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise SearchInputError(f"no such file: {path}") from None
    except json.JSONDecodeError as exc:
        raise SearchInputError(f"{path}: not valid JSON: {exc}") from None


def _lkp(d: dict[str, Any], where: str) -> Lkp:
    return Lkp(
        lat=float(d["lat"]),
        lon=float(d["lon"]),
        time=parse_time(d["time"], f"{where}/lkp/time"),
        radius_m=float(d.get("radius_m", 500.0)),
    )


def _check_object(key: str, where: str) -> str:
    if key not in search_objects():
        raise SearchInputError(
            f"{where}: unknown search object {key!r}; known: {', '.join(search_objects())}"
        )
    return key


def case_from_dict(doc: Any, base_dir: Path, source: str = "case") -> Case:
    """A :class:`Case` from a parsed case document; relative file paths resolve in base_dir."""
    _validate(doc, "case", source)
    search_time = parse_time(doc["search_time"], f"{source}: search_time")
    scenarios: list[Scenario] = []
    particles: list[int] = []
    ids: set[str] = set()
    for k, s in enumerate(doc["scenarios"]):
        where = f"{source}: scenarios/{k} ({s['id']})"
        if s["id"] in ids:
            raise SearchInputError(f"{where}: duplicate scenario id {s['id']!r}")
        ids.add(s["id"])
        weight = float(s.get("weight", 1.0))
        obj = _check_object(s["object"], where) if "object" in s else None
        if s["kind"] == "gaussian":
            uw = s.get("underway")
            underway = None
            if uw is not None:
                window = uw.get("stop_window", {})
                underway = Underway(
                    course_deg=float(uw["course_deg"]),
                    speed_kn=float(uw["speed_kn"]),
                    course_sd_deg=float(uw.get("course_sd_deg", 10.0)),
                    speed_sd_kn=float(uw.get("speed_sd_kn", 1.0)),
                    stop_from=parse_time(window["start"], f"{where}/stop_window/start")
                    if "start" in window
                    else None,
                    stop_to=parse_time(window["end"], f"{where}/stop_window/end")
                    if "end" in window
                    else None,
                )
            drift = s.get("drift", {})
            assert obj is not None  # the schema requires it
            scenarios.append(
                GaussianScenario(
                    id=s["id"],
                    weight=weight,
                    lkp=_lkp(s["lkp"], where),
                    search_object=obj,
                    underway=underway,
                    drift_set_deg=float(drift.get("set_deg", 0.0)),
                    drift_rate_kn=float(drift.get("rate_kn", 0.0)),
                    drift_error_kn=float(s.get("drift_error_kn", DEFAULT_DRIFT_ERROR_KN)),
                    probable_error_m=float(s["probable_error_m"])
                    if "probable_error_m" in s
                    else None,
                )
            )
            particles.append(int(s.get("particles", 20000)))
        elif s["kind"] == "particles":
            path = Path(s["file"])
            scenarios.append(
                ParticleFileScenario(
                    id=s["id"],
                    weight=weight,
                    path=path if path.is_absolute() else base_dir / path,
                    search_object=obj,
                    time=parse_time(s["time"], f"{where}/time") if "time" in s else None,
                )
            )
            particles.append(0)
        else:
            forcing = s["forcing"]

            def _path(key: str, f: dict[str, Any] = forcing) -> Path | None:
                if key not in f:
                    return None
                p = Path(f[key])
                return p if p.is_absolute() else base_dir / p

            assert obj is not None
            scenarios.append(
                DriftScenario(
                    id=s["id"],
                    weight=weight,
                    lkp=_lkp(s["lkp"], where),
                    search_object=obj,
                    object_class=s["object_class"],
                    current_path=_path("current"),
                    wind_path=_path("wind"),
                    particles=int(s.get("particles", 5000)),
                    seed=s.get("seed"),
                )
            )
            particles.append(0)
    if "search_object" in doc:
        search_object = _check_object(doc["search_object"], f"{source}: search_object")
    else:
        with_object = [s for s in scenarios if s.search_object is not None]
        if not with_object:
            raise SearchInputError(f"{source}: give search_object (no scenario names an object)")
        search_object = str(max(with_object, key=lambda s: s.weight).search_object)
    c = doc.get("conditions", {})
    return Case(
        case_id=str(doc.get("case_id", "")),
        search_time=search_time,
        scenarios=tuple(scenarios),
        conditions=Conditions(
            visibility_nm=float(c.get("visibility_nm", 10.0)),
            wind_kn=float(c.get("wind_kn", 10.0)),
            wave_height_m=float(c.get("wave_height_m", 0.5)),
        ),
        search_object=search_object,
        search_number=int(doc.get("search_number", 1)),
        detection_model=str(doc.get("detection_model", "exponential")),
        gaussian_particles=tuple(particles),
    )


def load_case(path: Path) -> Case:
    """Read and validate a case file."""
    return case_from_dict(_load_json(path), path.parent, str(path))


def units_from_dict(doc: Any, source: str = "units") -> tuple[UnitSpec, ...]:
    _validate(doc, "units", source)
    out: list[UnitSpec] = []
    ids: set[str] = set()
    for k, u in enumerate(doc["units"]):
        where = f"{source}: units/{k} ({u['id']})"
        if u["id"] in ids:
            raise SearchInputError(f"{where}: duplicate unit id {u['id']!r}")
        ids.add(u["id"])
        if u["type"] not in unit_types():
            raise SearchInputError(
                f"{where}: unknown unit type {u['type']!r}; known: {', '.join(unit_types())}"
            )
        out.append(
            UnitSpec(
                id=u["id"],
                unit_type=u["type"],
                speed_kn=float(u["speed_kn"]),
                endurance_h=float(u["endurance_h"]),
                start_lat=float(u["start"]["lat"]),
                start_lon=float(u["start"]["lon"]),
                transit_speed_kn=float(u["transit_speed_kn"]) if "transit_speed_kn" in u else None,
                on_scene_hours=float(u["on_scene_hours"]) if "on_scene_hours" in u else None,
                pattern=u.get("pattern", "auto"),
                fatigued=bool(u.get("fatigued", False)),
                altitude_ft=float(u["altitude_ft"]) if "altitude_ft" in u else None,
                nav_error_nm=float(u.get("nav_error_nm", 0.1)),
            )
        )
    return tuple(out)


def load_units(path: Path) -> tuple[UnitSpec, ...]:
    """Read and validate a units file."""
    return units_from_dict(_load_json(path), str(path))
