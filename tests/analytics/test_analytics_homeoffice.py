"""Reading the Home Office tables: published totals on the shipped copy, the shared CSV and the
official ODS; newer files given by path; bad rows skipped and counted."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from channelwatch.analytics.crossings import aggregate, totals, weekly_check
from channelwatch.analytics.errors import AnalyticsInputError
from channelwatch.analytics.homeoffice import (
    daily_from_rows,
    read_daily,
    read_weekly,
    read_workbook,
    shipped_path,
)
from channelwatch.analytics.periods import Period
from channelwatch.analytics.series import DailyCrossings, WeeklyCrossings

# Published figures (Home Office SB_01), people detected.
PUBLISHED_YEARS = {2018: 299, 2022: 45_755, 2024: 36_816, 2025: 41_472}
PUBLISHED_TOTAL = 208_507  # 2018-01-01 .. 2026-08-20


def _check_published(daily: DailyCrossings) -> None:
    years = {int(s.period): s.people for s in aggregate(daily, Period.YEAR)}
    for year, people in PUBLISHED_YEARS.items():
        assert years[year] == people, year
    t = totals(daily)
    assert (t.first.isoformat(), t.last.isoformat()) == ("2018-01-01", "2026-08-20")
    assert t.people == PUBLISHED_TOTAL
    assert t.days == 3154


@pytest.fixture(scope="module")
def workbook(shared_data: Path) -> tuple[DailyCrossings, WeeklyCrossings]:
    return read_workbook(shared_data / "small_boats" / "data_small_boats_time_series.ods")


def test_shipped_copy_matches_published_totals() -> None:
    daily = read_daily()
    _check_published(daily)
    assert daily.skipped_rows == 0


def test_shared_csv_matches_published_totals(shared_data: Path) -> None:
    _check_published(read_daily(shared_data / "small_boats" / "homeoffice_SB_01_daily.csv"))


def test_official_ods_matches_published_totals(
    workbook: tuple[DailyCrossings, WeeklyCrossings],
) -> None:
    daily, _ = workbook
    _check_published(daily)


def test_ods_and_shipped_csv_are_the_same_series(
    workbook: tuple[DailyCrossings, WeeklyCrossings],
) -> None:
    daily, weekly = workbook
    shipped = read_daily()
    assert np.array_equal(daily.dates, shipped.dates)
    assert np.array_equal(daily.people, shipped.people)
    assert np.array_equal(daily.boats, shipped.boats)
    assert np.array_equal(daily.revised, shipped.revised)
    sw = read_weekly()
    assert np.array_equal(weekly.people_prevented, sw.people_prevented, equal_nan=True)


def test_weekly_table_agrees_with_daily_table() -> None:
    # The Home Office weeks end on Sunday, like ISO weeks: every complete week must agree.
    daily, weekly = read_daily(), read_weekly()
    assert len(weekly) == 450
    assert weekly_check(daily, weekly) == []


def test_missing_is_not_zero() -> None:
    daily = read_daily()
    y2018 = daily.between(np.datetime64("2018-01-01"), np.datetime64("2018-12-31"))
    assert np.all(np.isnan(y2018.uncontrolled_boats))  # "-" before 2023: not recorded
    years = {s.period: s for s in aggregate(daily, Period.YEAR, read_weekly())}
    assert years["2018"].uncontrolled_boats is None
    assert years["2025"].uncontrolled_boats == 1
    assert years["2022"].people_prevented is None  # preventions published from May 2024
    assert years["2025"].people_prevented is not None and years["2025"].people_prevented > 0


def test_revised_rows_are_flagged() -> None:
    daily = read_daily()
    revised = daily.dates[daily.revised].astype(str).tolist()
    assert "2025-09-06" in revised
    assert len(revised) == 9


def _rows_of(path: Path) -> list[list[str]]:
    with path.open(newline="") as f:
        return list(csv.reader(f))


def test_newer_file_by_path_is_read(tmp_path: Path) -> None:
    # A "newer release": title rows above the header, three more days, a footnote below.
    rows = _rows_of(shipped_path("homeoffice_sb01_daily.csv"))
    extra = [
        ["2026-08-21", "312", "6", "0", ""],
        ["2026-08-22", "0", "0", "0", ""],
        ["2026-08-23", "1,045", "17", "1", "Revised"],
    ]
    newer = [["Migrants detected crossing the English Channel in small boats"], [], *rows, *extra]
    newer.append(["Source: Home Office"])
    path = tmp_path / "newer.csv"
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(newer)
    daily = read_daily(path)
    t = totals(daily)
    assert t.last.isoformat() == "2026-08-23"
    assert t.people == PUBLISHED_TOTAL + 312 + 1_045
    assert daily.skipped_rows == 1  # the footnote
    assert bool(daily.revised[-1])


def test_columns_found_by_name_in_any_order() -> None:
    rows = [
        ["Notes", "Boats arrived", "Date", "Migrants arrived"],
        ["", "2", "2024-01-02", "90"],
        ["", "1", "2024-01-01", "45"],
    ]
    daily = daily_from_rows(rows)
    assert daily.dates.astype(str).tolist() == ["2024-01-01", "2024-01-02"]  # sorted
    assert daily.people.tolist() == [45, 90]
    assert np.all(np.isnan(daily.uncontrolled_boats))


def test_duplicate_date_is_an_error() -> None:
    header = ["Date", "Migrants arrived", "Boats arrived"]
    rows = [header, ["2024-01-01", "1", "1"], ["2024-01-01", "2", "1"]]
    with pytest.raises(AnalyticsInputError, match="2024-01-01 appears twice"):
        daily_from_rows(rows)


def test_bad_rows_are_skipped_and_counted() -> None:
    rows = [
        ["Date", "Migrants arrived", "Boats arrived"],
        ["2024-01-01", "10", "1"],
        ["not a date", "10", "1"],
        ["2024-01-02", "ten", "1"],
        ["2024-01-03", "-", "1"],
        ["2024-01-04", "5", "1"],
    ]
    daily = daily_from_rows(rows)
    assert len(daily) == 2
    assert daily.skipped_rows == 3
    assert int(daily.people.sum()) == 15


def test_no_header_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(AnalyticsInputError, match="no header row"):
        read_daily(path)


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AnalyticsInputError, match="unsupported format"):
        (tmp_path / "x.json").write_text("{}")
        read_daily(tmp_path / "x.json")
    with pytest.raises(AnalyticsInputError, match="no such file"):
        read_daily(tmp_path / "absent.csv")
