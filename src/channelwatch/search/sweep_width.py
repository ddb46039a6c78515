"""Sweep widths by search object, unit type and conditions, from the IAMSAR tables.

The numbers live in ``data/sweep_widths.yaml`` (with their source and the assumptions that are
ours); this module only looks them up: linear interpolation in visibility (and in search speed
for the aircraft speed correction), clamped at the ends of each table, then the weather, speed
and fatigue corrections: W = Wu × fw × fv × ff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from channelwatch.geo import METRES_PER_NM
from channelwatch.search.errors import SearchInputError


@dataclass(frozen=True, slots=True)
class Conditions:
    """On-scene conditions that change the sweep width."""

    visibility_nm: float = 10.0
    wind_kn: float = 10.0
    wave_height_m: float = 0.5

    def __post_init__(self) -> None:
        for name in ("visibility_nm", "wind_kn", "wave_height_m"):
            value = getattr(self, name)
            if not np.isfinite(value) or value < 0:
                raise SearchInputError(f"{name} must be a finite number >= 0, got {value!r}")


@dataclass(frozen=True, slots=True)
class SweepWidth:
    """A corrected sweep width and how it was obtained."""

    unit_type: str
    search_object: str
    table: str
    uncorrected_nm: float
    weather_factor: float
    speed_factor: float
    fatigue_factor: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def corrected_nm(self) -> float:
        return self.uncorrected_nm * self.weather_factor * self.speed_factor * self.fatigue_factor

    @property
    def corrected_m(self) -> float:
        return self.corrected_nm * METRES_PER_NM

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit_type": self.unit_type,
            "search_object": self.search_object,
            "table": self.table,
            "uncorrected_nm": self.uncorrected_nm,
            "weather_factor": self.weather_factor,
            "speed_factor": self.speed_factor,
            "fatigue_factor": self.fatigue_factor,
            "corrected_nm": round(self.corrected_nm, 4),
            "notes": list(self.notes),
        }


@cache
def sweep_width_data() -> dict[str, Any]:
    """The parsed sweep-width data file (cached)."""
    text = resources.files("channelwatch.search").joinpath("data/sweep_widths.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def unit_types() -> tuple[str, ...]:
    return tuple(sweep_width_data()["unit_types"])


def search_objects() -> tuple[str, ...]:
    return tuple(sweep_width_data()["objects"])


def default_search_speed_kn(unit_type: str) -> float:
    return float(_unit_type(unit_type)["default_search_speed_kn"])


def _unit_type(unit_type: str) -> dict[str, Any]:
    types: dict[str, Any] = sweep_width_data()["unit_types"]
    if unit_type not in types:
        raise SearchInputError(f"unknown unit type {unit_type!r}; known: {', '.join(types)}")
    return dict(types[unit_type])


def _object(search_object: str) -> dict[str, Any]:
    objects: dict[str, Any] = sweep_width_data()["objects"]
    if search_object not in objects:
        raise SearchInputError(
            f"unknown search object {search_object!r}; known: {', '.join(objects)}"
        )
    return dict(objects[search_object])


def weather_factor(weather_class: str, wind_kn: float, wave_height_m: float) -> float:
    """fw for the worse of the wind and sea categories of the IAMSAR weather table."""
    weather = sweep_width_data()["weather"]
    wind_cat = int(np.searchsorted(weather["wind_kn_limits"], wind_kn, side="left"))
    sea_cat = int(np.searchsorted(weather["wave_height_m_limits"], wave_height_m, side="left"))
    return float(weather["factors"][weather_class][max(wind_cat, sea_cat)])


def _interp(x: float, xs: list[float], ys: list[float], what: str, notes: list[str]) -> float:
    if x < xs[0] or x > xs[-1]:
        notes.append(f"{what} {x:g} outside the table ({xs[0]:g}..{xs[-1]:g}): clamped")
    return float(np.interp(x, xs, ys))


def _pick_table(tables: list[str], altitude_ft: float | None) -> str:
    if altitude_ft is None or len(tables) == 1:
        return tables[0]
    data = sweep_width_data()["tables"]
    alts = [float(data[t].get("altitude_ft", 0.0)) for t in tables]
    return tables[int(np.argmin([abs(a - altitude_ft) for a in alts]))]


def sweep_width(
    unit_type: str,
    search_object: str,
    conditions: Conditions,
    *,
    search_speed_kn: float | None = None,
    altitude_ft: float | None = None,
    fatigued: bool = False,
) -> SweepWidth:
    """The corrected sweep width of ``unit_type`` searching for ``search_object``."""
    data = sweep_width_data()
    utype = _unit_type(unit_type)
    obj = _object(search_object)
    table_key = _pick_table(list(utype["tables"]), altitude_ft)
    table = data["tables"][table_key]
    row = obj["row"]
    notes: list[str] = []
    uncorrected = _interp(
        conditions.visibility_nm, table["visibility_nm"], table["rows"][row], "visibility_nm", notes
    )
    fw = weather_factor(obj["weather_class"], conditions.wind_kn, conditions.wave_height_m)
    fv = 1.0
    speed_table = data["speed_corrections"].get(table["platform"])
    if speed_table is not None:
        speed = default_search_speed_kn(unit_type) if search_speed_kn is None else search_speed_kn
        fv = _interp(speed, speed_table["speed_kn"], speed_table["rows"][row], "speed_kn", notes)
    ff = float(data["fatigue_factor"]) if fatigued else 1.0
    if uncorrected <= 0.0:
        notes.append("the table gives no useful sweep width for this object from this platform")
    if utype.get("assumption"):
        notes.append(f"assumption: {utype['assumption']}")
    if "assumption" in obj.get("note", ""):
        notes.append(obj["note"])
    return SweepWidth(
        unit_type=unit_type,
        search_object=search_object,
        table=table_key,
        uncorrected_nm=uncorrected,
        weather_factor=fw,
        speed_factor=fv,
        fatigue_factor=ff,
        notes=tuple(notes),
    )
