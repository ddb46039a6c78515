"""Reading the Home Office small-boat tables (SB_01 daily, SB_02 weekly) from CSV or ODS.

The parsing works on a table of cells (rows of values), so the CSV export shipped with the
package and the official ODS (or a newer release of either) go through the same code. The header
row is found by its first column ("Date" or "Week ending"), columns by name, so title rows and
column order in a newer file do not matter. Rows that cannot be read are skipped and counted;
a date that appears twice is an error (the totals would silently change).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from channelwatch.analytics.cells import normalise_header, parse_count, parse_date
from channelwatch.analytics.errors import AnalyticsInputError
from channelwatch.analytics.series import DailyCrossings, Dates, WeeklyCrossings

SHIPPED_DAILY = "homeoffice_sb01_daily.csv"
SHIPPED_WEEKLY = "homeoffice_sb02_weekly.csv"
DAILY_SHEET = "SB_01"
WEEKLY_SHEET = "SB_02"
ATTRIBUTION = (
    "Source: Home Office and Border Force, UK Government (provisional operational data). "
    "Contains public sector information licensed under the Open Government Licence v3.0."
)

# Header names as published, normalised (lower case, footnotes dropped); a few aliases for the
# wording of other Home Office releases.
_DATE = ("date", "week ending", "week ending date")
_PEOPLE = ("migrants arrived", "migrants detected", "people arrived", "people detected")
_BOATS = ("boats arrived", "boats detected", "number of boats")
_UNCONTROLLED = ("uncontrolled landing",)  # substring: the full header is long and has varied
_PEOPLE_PREVENTED = ("migrants prevented", "people prevented")
_EVENTS_PREVENTED = ("events prevented",)
_NOTES = ("notes", "note")

Row = Sequence[object]


@dataclass(frozen=True, slots=True)
class _Columns:
    header_row: int
    date: int
    people: int
    boats: int
    uncontrolled: int | None
    people_prevented: int | None
    events_prevented: int | None
    notes: int | None


def _find(headers: list[str], names: tuple[str, ...], substring: bool = False) -> int | None:
    for i, h in enumerate(headers):
        if (substring and any(n in h for n in names)) or (not substring and h in names):
            return i
    return None


def _locate_columns(rows: Sequence[Row], what: str) -> _Columns:
    for r, row in enumerate(rows[:50]):
        headers = [normalise_header(c) for c in row]
        date_col = _find(headers, _DATE)
        if date_col is None:
            continue
        # "boats arrived" must not match the longer uncontrolled-landings header: exact names.
        people = _find(headers, _PEOPLE)
        boats = _find(headers, _BOATS)
        if people is None or boats is None:
            raise AnalyticsInputError(
                f"{what}: header row {r + 1} has no people/boats columns "
                f"(expected 'Migrants arrived' and 'Boats arrived'; found {headers})"
            )
        return _Columns(
            header_row=r,
            date=date_col,
            people=people,
            boats=boats,
            uncontrolled=_find(headers, _UNCONTROLLED, substring=True),
            people_prevented=_find(headers, _PEOPLE_PREVENTED),
            events_prevented=_find(headers, _EVENTS_PREVENTED),
            notes=_find(headers, _NOTES),
        )
    raise AnalyticsInputError(
        f"{what}: no header row with a 'Date' or 'Week ending' column in the first 50 rows"
    )


def _cell(row: Row, col: int | None) -> object:
    if col is None or col >= len(row):
        return None
    return row[col]


def _optional_count(row: Row, col: int | None) -> float:
    value = parse_count(_cell(row, col))
    return np.nan if value is None else float(value)


def _blank(row: Row) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


@dataclass(slots=True)
class _Parsed:
    dates: list[date]
    people: list[int]
    boats: list[int]
    uncontrolled: list[float]
    people_prevented: list[float]
    events_prevented: list[float]
    revised: list[bool]
    skipped: int


def _parse_rows(rows: Sequence[Row], what: str) -> _Parsed:
    cols = _locate_columns(rows, what)
    out = _Parsed([], [], [], [], [], [], [], 0)
    seen: dict[date, int] = {}
    for i, row in enumerate(rows[cols.header_row + 1 :], start=cols.header_row + 2):
        if _blank(row):
            continue
        try:
            day = parse_date(_cell(row, cols.date))
            people = parse_count(_cell(row, cols.people))
            boats = parse_count(_cell(row, cols.boats))
            if people is None or boats is None:
                raise ValueError("people or boats not available")
            uncontrolled = _optional_count(row, cols.uncontrolled)
            prevented = _optional_count(row, cols.people_prevented)
            events = _optional_count(row, cols.events_prevented)
        except ValueError:
            out.skipped += 1  # footers, notes and malformed rows: counted, not guessed
            continue
        if day in seen:
            raise AnalyticsInputError(f"{what}: date {day} appears twice (rows {seen[day]}, {i})")
        seen[day] = i
        note = _cell(row, cols.notes)
        out.dates.append(day)
        out.people.append(people)
        out.boats.append(boats)
        out.uncontrolled.append(uncontrolled)
        out.people_prevented.append(prevented)
        out.events_prevented.append(events)
        out.revised.append(isinstance(note, str) and "revised" in note.lower())
    if not out.dates:
        raise AnalyticsInputError(f"{what}: no readable data rows")
    return out


def _sorted(p: _Parsed) -> tuple[Dates, npt.NDArray[np.intp]]:
    dates = np.array(p.dates, dtype="datetime64[D]")
    order = np.argsort(dates, kind="stable")
    return dates[order], order


def daily_from_rows(rows: Sequence[Row], source: str = "SB_01") -> DailyCrossings:
    """Build the daily series from a table of cells (header row anywhere in the first 50)."""
    p = _parse_rows(rows, source)
    dates, order = _sorted(p)
    return DailyCrossings(
        dates=dates,
        people=np.array(p.people, dtype=np.int64)[order],
        boats=np.array(p.boats, dtype=np.int64)[order],
        uncontrolled_boats=np.array(p.uncontrolled, dtype=np.float64)[order],
        revised=np.array(p.revised, dtype=bool)[order],
        source=source,
        skipped_rows=p.skipped,
    )


def weekly_from_rows(rows: Sequence[Row], source: str = "SB_02") -> WeeklyCrossings:
    """Build the weekly series (with preventions) from a table of cells."""
    p = _parse_rows(rows, source)
    dates, order = _sorted(p)
    return WeeklyCrossings(
        week_end=dates,
        people=np.array(p.people, dtype=np.int64)[order],
        boats=np.array(p.boats, dtype=np.int64)[order],
        uncontrolled_boats=np.array(p.uncontrolled, dtype=np.float64)[order],
        people_prevented=np.array(p.people_prevented, dtype=np.float64)[order],
        events_prevented=np.array(p.events_prevented, dtype=np.float64)[order],
        source=source,
        skipped_rows=p.skipped,
    )


# --- file readers (the edges) -------------------------------------------------------------


def shipped_path(name: str) -> Path:
    """Path of a data file shipped in ``channelwatch/analytics/data``."""
    path = Path(str(resources.files("channelwatch.analytics").joinpath("data", name)))
    if not path.is_file():
        raise AnalyticsInputError(f"shipped data file missing from the installation: {name}")
    return path


def _csv_rows(path: Path) -> list[list[str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            return list(csv.reader(f))
    except OSError as exc:
        raise AnalyticsInputError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise AnalyticsInputError(f"{path} is not a UTF-8 text file") from None


def _sheets(path: Path, sheets: list[str]) -> dict[str, list[list[object]]]:
    import pandas as pd

    engine: Literal["odf"] | None = "odf" if path.suffix.lower() == ".ods" else None
    try:
        frames = pd.read_excel(path, sheet_name=sheets, header=None, dtype=object, engine=engine)
    except ValueError as exc:
        raise AnalyticsInputError(f"{path}: cannot read sheets {sheets} ({exc})") from None
    except OSError as exc:
        raise AnalyticsInputError(f"cannot read {path}: {exc}") from None
    return {
        name: [[None if (isinstance(v, float) and v != v) else v for v in r] for r in f.values]
        for name, f in frames.items()
    }


def _sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    return _sheets(path, [sheet])[sheet]


def is_workbook(path: Path) -> bool:
    """True for a spreadsheet (the Home Office publishes ODS) rather than a CSV export."""
    return path.suffix.lower() in (".ods", ".xlsx", ".xls")


def read_workbook(path: Path) -> tuple[DailyCrossings, WeeklyCrossings]:
    """Both tables from the official workbook, read in one pass (ODS parsing is slow)."""
    if not path.is_file():
        raise AnalyticsInputError(f"no such file: {path}")
    sheets = _sheets(path, [DAILY_SHEET, WEEKLY_SHEET])
    return (
        daily_from_rows(sheets[DAILY_SHEET], source=f"{path} [{DAILY_SHEET}]"),
        weekly_from_rows(sheets[WEEKLY_SHEET], source=f"{path} [{WEEKLY_SHEET}]"),
    )


def _rows(path: Path, sheet: str) -> Sequence[Row]:
    if not path.is_file():
        raise AnalyticsInputError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if is_workbook(path):
        return _sheet_rows(path, sheet)
    if suffix in (".csv", ".txt"):
        return _csv_rows(path)
    raise AnalyticsInputError(f"{path}: unsupported format {suffix!r} (use .csv or .ods)")


def read_daily(path: Path | None = None) -> DailyCrossings:
    """SB_01 from a CSV export or the official ODS/XLSX; the shipped copy when ``path`` is None."""
    p = path if path is not None else shipped_path(SHIPPED_DAILY)
    return daily_from_rows(_rows(p, DAILY_SHEET), source=str(p))


def read_weekly(path: Path | None = None) -> WeeklyCrossings:
    """SB_02 from a CSV export or the official ODS/XLSX; the shipped copy when ``path`` is None."""
    p = path if path is not None else shipped_path(SHIPPED_WEEKLY)
    return weekly_from_rows(_rows(p, WEEKLY_SHEET), source=str(p))


def rows_of(lines: Iterable[str]) -> list[list[str]]:
    """Split CSV text lines into rows (for callers holding the text in memory)."""
    return list(csv.reader(lines))
