"""IOM records: reading (shipped, shared, newer global download), sea/land rule on real rows."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from channelwatch.analytics.deaths import (
    Setting,
    between,
    by_period,
    classify,
    classify_all,
    in_box,
    record_dict,
)
from channelwatch.analytics.errors import AnalyticsInputError
from channelwatch.analytics.iom import incidents_from_rows, read_incidents


@pytest.fixture(scope="module")
def records() -> list:  # type: ignore[type-arg]
    return classify_all(read_incidents().incidents)


def test_shipped_extract_totals() -> None:
    table = read_incidents()
    assert len(table.incidents) == 220
    assert sum(i.dead_missing for i in table.incidents) == 370
    assert table.skipped_rows == 0


def test_shared_file_is_read_the_same(shared_data: Path) -> None:
    path = shared_data / "missing_migrants" / "iom_mmp_mainland_europe_to_uk_2014_2026.csv"
    shared = read_incidents(path)
    shipped = read_incidents()
    assert shared.incidents == shipped.incidents


def test_box_of_the_provenance_note(records: list) -> None:  # type: ignore[type-arg]
    # PROVENANCE.md: 206 of the 220 incidents lie in 49.5-52N, -1..3.5E, with 355 dead+missing.
    inside = in_box(records, 49.5, 52.0, -1.0, 3.5)
    assert len(inside) == 206
    assert sum(r.incident.dead_missing for r in inside) == 355


@pytest.mark.parametrize(
    ("incident_id", "setting", "rule"),
    [
        ("2014.MMP00015", Setting.LAND, "land-text"),  # vehicle, A16 motorway near Calais
        ("2021.MMP01891160", Setting.SEA, "sea-text"),  # 24 Nov 2021, off Calais and Dunkirk
        ("2025.MMP0081", Setting.SEA, "sea-text"),  # drowning off Calais, 15 Feb 2025
        ("2024.MMP0136139", Setting.LAND, "land-text"),  # drowning in the Aa canal (inland)
    ],
)
def test_rule_on_real_rows(records: list, incident_id: str, setting: Setting, rule: str) -> None:  # type: ignore[type-arg]
    matches = [r for r in records if r.incident.incident_id.startswith(incident_id)]
    assert matches, incident_id
    assert (matches[0].setting, matches[0].rule) == (setting, rule)


def test_rule_on_real_texts(records: list) -> None:  # type: ignore[type-arg]
    def find(fragment: str):  # type: ignore[no-untyped-def]
        return next(r for r in records if r.incident.location.startswith(fragment))

    assert find("Body recovered just offshore of the beach in Sangatte").setting is Setting.SEA
    assert find("A16 motorway, near Calais, France").setting is Setting.LAND
    assert find("Remains found at Plage d'Écault").rule == "shore-remains"
    assert find("Found near Châtelet beach").setting is Setting.LAND  # violence on the shore
    assert find("In Oxfordshire, England").rule == "land-cause"
    assert find("Sangatte, Calais, France - English Channel crossing").setting is Setting.UNCLEAR
    # IOM's "hazardous transport" with an offshore location is a death in a boat: at sea.
    assert find("Off the coast of Neufchatel-Hardelot, Pas de Calais").setting is Setting.SEA


@pytest.mark.parametrize(
    ("cause", "location", "expected"),
    [
        ("Drowning", "Off the beach of Wimereux", Setting.SEA),
        ("Drowning", "In a canal in Grande-Synthe", Setting.LAND),
        ("Vehicle accident / death linked to hazardous transport", "Rue de Calais", Setting.LAND),
        ("Mixed or unknown", "Calais, France", Setting.LAND),
        ("Mixed or unknown", "Plage X - English Channel crossing", Setting.UNCLEAR),
        (
            "Sickness / lack of access to adequate healthcare",
            "13 nautical miles off Dunkirk",
            Setting.SEA,
        ),
    ],
)
def test_rule_table(cause: str, location: str, expected: Setting) -> None:
    assert classify(cause, location)[0] is expected


def test_every_person_counted_once(records: list) -> None:  # type: ignore[type-arg]
    years = by_period(records, "year")
    assert sum(p.total for p in years) == 370
    assert sum(p.incidents for p in years) == 220
    for p in years:
        assert p.total == p.sea + p.land + p.unclear
    months = by_period(records, "month")
    assert sum(p.total for p in months) == 370
    assert months[0].period == "2014-01" and months[-1].period == "2026-05"
    assert len(months) == 12 * 12 + 5  # filled: months without a record are zeros
    y2021 = next(p for p in years if p.period == "2021")
    assert y2021.sea >= 27  # the 24 November 2021 sinking alone
    with pytest.raises(AnalyticsInputError, match="'week'"):
        by_period(records, "week")


def test_filters(records: list) -> None:  # type: ignore[type-arg]
    y2024 = between(records, date(2024, 1, 1), date(2024, 12, 31))
    assert {r.incident.date.year for r in y2024} == {2024}
    assert sum(r.incident.dead_missing for r in y2024) == 85


def test_newer_global_download_by_path(tmp_path: Path) -> None:
    # IOM's own download: other column names, WKT coordinates, several routes.
    text = (
        "Incident ID,Incident year,Reported Month,Number of Dead,"
        "Minimum Estimated Number of Missing,Total Number of Dead and Missing,"
        "Number of Survivors,Number of Females,Cause of Death,Migration route,"
        "Location of death,Coordinates,URL\n"
        "2026.MMP0901,2026,June,3,1,4,40,1,Drowning,Mainland Europe to the UK,"
        "Off the coast of Gravelines,POINT (2.10 51.03),u\n"
        "2026.MMP0902,2026,June,1,,,,,Drowning,Central Mediterranean,Off Lampedusa,"
        "POINT (12.6 35.5),u\n"
        "2026.MMP0903,2026,July,x,,,,,Violence,Mainland Europe to the UK,Calais,,u\n"
    )
    rows = list(csv.reader(text.splitlines()))
    path = tmp_path / "global.csv"
    path.write_text(text)
    table = read_incidents(path)
    assert table.other_routes == 1
    assert table.skipped_rows == 1  # "x" dead
    (inc,) = table.incidents
    assert (inc.dead_missing, inc.lat, inc.lon, inc.date) == (4, 51.03, 2.10, date(2026, 6, 1))
    assert classify_all(table.incidents)[0].setting is Setting.SEA
    everything = incidents_from_rows(rows, route=None)
    assert len(everything.incidents) == 2
    assert "Number of Females" not in record_dict(classify_all([inc])[0])


def test_missing_columns_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(AnalyticsInputError, match="missing IOM columns"):
        read_incidents(path)
