"""Deaths and disappearances on the route to the UK: at sea or on land, by year and month.

The IOM records give a cause category and a free-text location, not a setting. The setting is
derived by a fixed, ordered rule (first match wins), and every record carries the rule that
decided it so each figure can be traced back:

1. ``sea-text``: the location says the death was at sea ("off the coast", "offshore", "in the
   English Channel", "km off", "Strait of Dover", "SRR", "maritime border", "wind farm",
   "washed ashore/up").                                                              -> sea
2. ``land-text``: the location names a land or inland-water place (motorway, road, lorry, truck,
   train, tracks, station, tunnel, camp, hospital, car park, industrial area, canal, river...).
   Inland waters count as land: they are not the sea crossing.                       -> land
3. ``shore-remains``: remains or a body found, recovered or washed up on a beach or in a port,
   harbour or dock (they came from the water), unless the cause is violence or a vehicle.
                                                                                      -> sea
4. ``drowning``: the cause is drowning.                                              -> sea
5. ``crossing-unclear``: IOM tags the record "English Channel crossing" but nothing above places
   it (e.g. "Sangatte, France"; "hazardous transport" can be a crush in a boat).      -> unclear
6. ``land-cause``: the cause is a vehicle accident / hazardous transport, or violence.  -> land
7. ``land-default``: anything else (illness or unknown causes in a town).             -> land
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np

from channelwatch.analytics.errors import AnalyticsInputError
from channelwatch.analytics.iom import Incident


class Setting(StrEnum):
    SEA = "sea"
    LAND = "land"
    UNCLEAR = "unclear"


_SEA_TEXT = re.compile(
    r"\boff\b|\boffshore\b|\bat sea\b|\bin the (english )?channel\b|\bstrait of dover\b"
    r"|\bsrr\b|\bmaritime border\b|\bwind ?farm\b|\bwashed (up|ashore)\b"
    r"|\bbetween france and (england|the uk)\b",
    re.IGNORECASE,
)
_LAND_TEXT = re.compile(
    r"\bmotorway|\bhighway|\b[AEMN] ?\d{1,3}\b|\broad\b|\broute de\b|\brue\b|\bavenue\b"
    r"|\bboulevard\b|\bstreet\b|\brocade\b|\bbypass\b|\broundabout\b|\binterchange\b|\bexit\b"
    r"|\bjunction\b|\blorry\b|\btruck\b|\btrailer\b|\bcontainer\b|\bbus\b|\btrain\b|\brail"
    r"|\btracks\b|\bstation\b|\bgare\b|\bfreight\b|\btunnel\b|\beurotunnel\b|\bchunnel\b"
    r"|\bcamp\b|\bjungle\b|\bhospital\b|\bparking\b|\bcar park\b|\bindustrial\b"
    r"|\bbusiness park\b|\btransmarck\b|\bservice station\b|\bairfield\b|\bcanal\b|\briver\b"
    r"|\blake\b|\bdetention\b",
    re.IGNORECASE,
)
_REMAINS = re.compile(r"\b(remains|body|bodies|found|recovere?d|retrieved|washed)\b", re.IGNORECASE)
_SHORE = re.compile(r"\b(beach|plage|shore|ashore|port|harbou?r|docks?)\b", re.IGNORECASE)
_CROSSING_TAG = re.compile(r"english channel crossing", re.IGNORECASE)
_LAND_CAUSES = ("vehicle accident", "hazardous transport", "violence")


@dataclass(frozen=True, slots=True)
class Classified:
    """An incident with its derived setting and the rule that decided it."""

    incident: Incident
    setting: Setting
    rule: str


def classify(cause: str, location: str) -> tuple[Setting, str]:
    """The setting (sea, land, unclear) of one record and the name of the deciding rule."""
    cause_l = cause.lower()
    land_cause = any(c in cause_l for c in _LAND_CAUSES)
    if _SEA_TEXT.search(location):
        return Setting.SEA, "sea-text"
    if _LAND_TEXT.search(location):
        return Setting.LAND, "land-text"
    if not land_cause and _REMAINS.search(location) and _SHORE.search(location):
        return Setting.SEA, "shore-remains"
    if "drowning" in cause_l:
        return Setting.SEA, "drowning"
    if _CROSSING_TAG.search(location):
        return Setting.UNCLEAR, "crossing-unclear"
    if land_cause:
        return Setting.LAND, "land-cause"
    return Setting.LAND, "land-default"


def classify_all(incidents: Iterable[Incident]) -> list[Classified]:
    out = []
    for inc in incidents:
        setting, rule = classify(inc.cause, inc.location)
        out.append(Classified(inc, setting, rule))
    return out


@dataclass(frozen=True, slots=True)
class DeathPeriod:
    """Dead and missing in one period, split by setting."""

    period: str  # 2024 or 2024-09
    sea: int
    land: int
    unclear: int
    total: int
    incidents: int
    incidents_sea: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "sea": self.sea,
            "land": self.land,
            "unclear": self.unclear,
            "total": self.total,
            "incidents": self.incidents,
            "incidents_sea": self.incidents_sea,
        }


def by_period(
    records: Sequence[Classified], by: str = "year", fill: bool = True
) -> list[DeathPeriod]:
    """Dead and missing per year or per month (``by`` = "year" | "month"), split by setting.

    With ``fill`` the periods between the first and last record with no record appear as zeros
    (IOM records no death there; a gap in a chart would hide that).
    """
    if by not in ("year", "month"):
        raise AnalyticsInputError(f"deaths can be grouped by 'year' or 'month', not {by!r}")
    if not records:
        return []
    unit = "Y" if by == "year" else "M"
    keys = np.array([r.incident.date for r in records], dtype=f"datetime64[{unit}]")
    counts = np.array([r.incident.dead_missing for r in records], dtype=np.int64)
    setting = np.array([r.setting.value for r in records])
    # Filled: periods without a record appear as zeros (IOM recorded none, a gap would hide it).
    periods = np.arange(keys.min(), keys.max() + 1) if fill else np.unique(keys)
    idx = np.searchsorted(periods, keys)
    n = periods.size
    out = []
    sums = {
        s: np.bincount(idx, weights=np.where(setting == s.value, counts, 0), minlength=n)
        for s in Setting
    }
    n_inc = np.bincount(idx, minlength=n)
    n_sea = np.bincount(idx, weights=(setting == Setting.SEA.value), minlength=n)
    for i in range(n):
        sea, land, unclear = (int(sums[s][i]) for s in (Setting.SEA, Setting.LAND, Setting.UNCLEAR))
        out.append(
            DeathPeriod(
                period=str(periods[i]),
                sea=sea,
                land=land,
                unclear=unclear,
                total=sea + land + unclear,
                incidents=int(n_inc[i]),
                incidents_sea=int(n_sea[i]),
            )
        )
    return out


def in_box(
    records: Iterable[Classified],
    lat_min: float,
    lat_max: float,
    lon_min: float,
    lon_max: float,
) -> list[Classified]:
    """Records whose coordinates fall in a latitude/longitude box (records without are left out)."""
    return [
        r
        for r in records
        if r.incident.lat is not None
        and r.incident.lon is not None
        and lat_min <= r.incident.lat <= lat_max
        and lon_min <= r.incident.lon <= lon_max
    ]


def between(
    records: Iterable[Classified], first: date | None, last: date | None
) -> list[Classified]:
    """Records dated from ``first`` to ``last`` inclusive (either may be None: open)."""
    return [
        r
        for r in records
        if (first is None or r.incident.date >= first) and (last is None or r.incident.date <= last)
    ]


def record_dict(r: Classified) -> dict[str, Any]:
    """A flat, JSON-able row (for CSV, Parquet and GeoJSON properties)."""
    i = r.incident
    return {
        "incident_id": i.incident_id,
        "date": i.date.isoformat(),
        "year": i.date.year,
        "month": i.date.month,
        "dead": i.dead,
        "missing": i.missing,
        "dead_missing": i.dead_missing,
        "survivors": i.survivors,
        "cause": i.cause,
        "setting": r.setting.value,
        "rule": r.rule,
        "country": i.country,
        "location": i.location,
        "lat": i.lat,
        "lon": i.lon,
        "source_quality": i.source_quality,
        "link": i.link,
    }
