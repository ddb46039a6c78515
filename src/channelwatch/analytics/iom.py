"""Reading IOM Missing Migrants Project incident records (CSV) into :class:`Incident` values.

Accepts the column names of the route extract shipped with the package and those of IOM's own
global download ("Total Number of Dead and Missing", "Coordinates" as "lat, lon" or WKT POINT),
so a newer download can be given by path. Rows are kept for one route (by default "Mainland
Europe to the UK") when the file has a route column. Unreadable rows are skipped and counted.
Only counts are read: sex, age and origin columns are ignored.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from channelwatch.analytics.cells import normalise_header, parse_count, parse_date, parse_float
from channelwatch.analytics.errors import AnalyticsInputError
from channelwatch.analytics.homeoffice import shipped_path

SHIPPED_IOM = "iom_mmp_mainland_europe_to_uk.csv"
DEFAULT_ROUTE = "Mainland Europe to the UK"
ATTRIBUTION = (
    "Source: IOM's Missing Migrants Project (missingmigrants.iom.int), CC BY 4.0; "
    "route 'Mainland Europe to the UK', columns reduced by ChannelWatch. Minimum estimates."
)

_ALIASES: Mapping[str, tuple[str, ...]] = {
    "id": ("incident id", "main id", "web id"),
    "date": ("incident date", "reported date", "website date", "incident_date_clean"),
    "year": ("incident year", "year"),
    "month": ("incident month", "reported month", "month"),
    "dead": ("no. dead", "number of dead", "number dead"),
    "missing": ("no. missing", "minimum estimated number of missing", "number of missing"),
    "total": ("no. dead/missing", "total number of dead and missing", "total dead and missing"),
    "survivors": ("no. survivors", "number of survivors"),
    "cause": ("cause of death (category)", "cause of death", "cause of death (reported)"),
    "route": ("route", "migration route"),
    "country": ("country of incident", "country"),
    "location": ("location of death", "location of incident", "location description"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon", "long"),
    "coordinates": ("coordinates",),
    "quality": ("source quality",),
    "link": ("link", "url"),
}
_REQUIRED = ("id", "cause", "location")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        )
    )
}
_WKT_POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.IGNORECASE)
_LAT_LON = re.compile(r"^\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*$")


@dataclass(frozen=True, slots=True)
class Incident:
    """One IOM record: when, how many dead and missing, the recorded cause and place."""

    incident_id: str
    date: date
    dead: int
    missing: int
    dead_missing: int
    survivors: int | None
    cause: str
    country: str
    location: str
    lat: float | None
    lon: float | None
    source_quality: int | None
    link: str

    def __post_init__(self) -> None:
        if self.dead_missing < 0 or self.dead < 0 or self.missing < 0:
            raise AnalyticsInputError(f"incident {self.incident_id}: negative count")
        if self.lat is not None and not -90.0 <= self.lat <= 90.0:
            raise AnalyticsInputError(f"incident {self.incident_id}: latitude {self.lat}")
        if self.lon is not None and not -180.0 <= self.lon <= 180.0:
            raise AnalyticsInputError(f"incident {self.incident_id}: longitude {self.lon}")


@dataclass(frozen=True, slots=True)
class IncidentTable:
    """Incidents read from one file, with what was skipped."""

    incidents: tuple[Incident, ...]
    source: str
    skipped_rows: int
    other_routes: int  # rows dropped because they belong to another route


def _columns(header: Sequence[str]) -> dict[str, int]:
    norm = [normalise_header(h) for h in header]
    cols: dict[str, int] = {}
    for key, names in _ALIASES.items():
        for name in names:
            if name in norm:
                cols[key] = norm.index(name)
                break
    return cols


def _get(row: Sequence[str], cols: Mapping[str, int], key: str) -> str:
    i = cols.get(key)
    if i is None or i >= len(row):
        return ""
    return row[i].strip()


def _coordinates(row: Sequence[str], cols: Mapping[str, int]) -> tuple[float | None, float | None]:
    lat = parse_float(_get(row, cols, "lat"))
    lon = parse_float(_get(row, cols, "lon"))
    if lat is not None and lon is not None:
        return lat, lon
    text = _get(row, cols, "coordinates")
    m = _WKT_POINT.search(text)
    if m:
        return float(m.group(2)), float(m.group(1))  # WKT is (lon lat)
    m = _LAT_LON.match(text)
    if m:
        return float(m.group(1)), float(m.group(2))
    return None, None


def _date(row: Sequence[str], cols: Mapping[str, int]) -> date:
    text = _get(row, cols, "date")
    if text:
        return parse_date(text)
    year = parse_count(_get(row, cols, "year"))
    month_text = _get(row, cols, "month").lower()
    month = _MONTHS.get(month_text) or parse_count(month_text)
    if year is None or not month:
        raise ValueError("no incident date")
    return date(year, month, 1)  # month precision only: dated on the 1st


def _incident(row: Sequence[str], cols: Mapping[str, int]) -> Incident:
    dead = parse_count(_get(row, cols, "dead")) or 0
    missing = parse_count(_get(row, cols, "missing")) or 0
    total = parse_count(_get(row, cols, "total"))
    if total is None:
        total = dead + missing
    if total == 0:
        raise ValueError("no dead or missing recorded")
    lat, lon = _coordinates(row, cols)
    return Incident(
        incident_id=_get(row, cols, "id"),
        date=_date(row, cols),
        dead=dead,
        missing=missing,
        dead_missing=total,
        survivors=parse_count(_get(row, cols, "survivors")),
        cause=_get(row, cols, "cause"),
        country=_get(row, cols, "country"),
        location=_get(row, cols, "location"),
        lat=lat,
        lon=lon,
        source_quality=parse_count(_get(row, cols, "quality")),
        link=_get(row, cols, "link"),
    )


def incidents_from_rows(
    rows: Iterable[Sequence[str]], source: str = "IOM", route: str | None = DEFAULT_ROUTE
) -> IncidentTable:
    """Parse CSV rows (the first is the header). ``route=None`` keeps every route."""
    it = iter(rows)
    try:
        header = next(it)
    except StopIteration:
        raise AnalyticsInputError(f"{source}: empty file") from None
    cols = _columns(header)
    absent = [k for k in _REQUIRED if k not in cols]
    if absent:
        raise AnalyticsInputError(f"{source}: missing IOM columns for {absent} (header {header})")
    out: list[Incident] = []
    skipped = other = 0
    for row in it:
        if not any(c.strip() for c in row):
            continue
        if (
            route is not None
            and "route" in cols
            and _get(row, cols, "route").lower() != route.lower()
        ):
            other += 1
            continue
        try:
            out.append(_incident(row, cols))
        except (ValueError, AnalyticsInputError):
            skipped += 1
    out.sort(key=lambda i: (i.date, i.incident_id))
    return IncidentTable(tuple(out), source, skipped, other)


def read_incidents(path: Path | None = None, route: str | None = DEFAULT_ROUTE) -> IncidentTable:
    """Read an IOM CSV (the shipped route extract when ``path`` is None)."""
    p = path if path is not None else shipped_path(SHIPPED_IOM)
    if not p.is_file():
        raise AnalyticsInputError(f"no such file: {p}")
    try:
        with p.open(newline="", encoding="utf-8-sig") as f:
            return incidents_from_rows(csv.reader(f), source=str(p), route=route)
    except UnicodeDecodeError:
        raise AnalyticsInputError(f"{p} is not a UTF-8 text file") from None
