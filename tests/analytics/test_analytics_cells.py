"""Reading single cells: counts, dates and the "not available" markers."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channelwatch.analytics.cells import is_missing, normalise_header, parse_count, parse_date


@given(st.integers(0, 10**9))
def test_count_round_trips_through_text(n: int) -> None:
    assert parse_count(str(n)) == n
    assert parse_count(f"{n:,}") == n  # thousands separators as in published tables
    assert parse_count(float(n)) == n


@pytest.mark.parametrize("cell", [None, "", " - ", "[x]", "..", float("nan")])
def test_missing_markers(cell: object) -> None:
    assert is_missing(cell)
    assert parse_count(cell) is None


@pytest.mark.parametrize("cell", ["12.5", "-3", "ten", True, 1.5])
def test_bad_counts_raise(cell: object) -> None:
    with pytest.raises(ValueError):
        parse_count(cell)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_in_all_published_shapes(d: date) -> None:
    assert parse_date(d.isoformat()) == d
    assert parse_date(d.strftime("%d/%m/%Y")) == d
    assert parse_date(datetime(d.year, d.month, d.day)) == d
    assert parse_date(d.strftime("%d %B %Y")) == d


def test_header_normalised() -> None:
    assert normalise_header(" Migrants  arrived [note 3] ") == "migrants arrived"
    assert normalise_header(None) == ""
