"""The stats and weather commands on the real data."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from channelwatch.cli.main import app

runner = CliRunner()


def test_crossings_json_by_year() -> None:
    result = runner.invoke(app, ["stats", "crossings", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {"period", "people", "boats"} <= set(rows[0])
    by_year = {r["period"]: r["people"] for r in rows}
    assert by_year["2022"] == 45_755 and by_year["2025"] == 41_472
    assert sum(by_year.values()) == 208_507


def test_crossings_weeks_with_range_and_exports(tmp_path: Path) -> None:
    out = tmp_path / "w.parquet"
    result = runner.invoke(
        app,
        [
            "stats",
            "crossings",
            "--by",
            "week",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "--json",
            "--export",
            str(out),
            "--export",
            str(tmp_path / "w.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert sum(r["people"] for r in rows) == 41_472
    assert rows[0]["period"] == "2025-W01" and out.is_file()


def test_crossings_human_output_and_newer_ods(shared_data: Path) -> None:
    ods = shared_data / "small_boats" / "data_small_boats_time_series.ods"
    result = runner.invoke(app, ["stats", "crossings", "--data", str(ods)])
    assert result.exit_code == 0, result.output
    assert "208,507" in result.stdout
    assert "Open Government" in result.stdout


def test_totals_and_seasonality() -> None:
    result = runner.invoke(
        app, ["stats", "totals", "--from", "2022-01-01", "--to", "2022-12-31", "--json"]
    )
    assert json.loads(result.stdout)["people"] == 45_755
    result = runner.invoke(app, ["stats", "seasonality", "--json"])
    assert [m["month"] for m in json.loads(result.stdout)] == list(range(1, 13))


def test_bad_input_exits_2() -> None:
    result = runner.invoke(app, ["stats", "crossings", "--by", "fortnight"])
    assert result.exit_code == 2 and "fortnight" in result.stderr
    result = runner.invoke(app, ["stats", "crossings", "--from", "yesterday"])
    assert result.exit_code == 2 and "yesterday" in result.stderr
    result = runner.invoke(app, ["stats", "deaths", "--setting", "air"])
    assert result.exit_code == 2 and "air" in result.stderr


def test_deaths_json_records_and_geojson(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stats", "deaths", "--json"])
    assert result.exit_code == 0, result.output
    periods = json.loads(result.stdout)
    assert sum(p["total"] for p in periods) == 370
    geo = tmp_path / "d.geojson"
    result = runner.invoke(
        app, ["stats", "deaths", "--setting", "sea", "--json", "--records", "--export", str(geo)]
    )
    records = json.loads(result.stdout)
    assert records and all(r["setting"] == "sea" for r in records)
    assert len(json.loads(geo.read_text())["features"]) == len(records)


def test_weather_windows_on_a_real_forecast(shared_data: Path, tmp_path: Path) -> None:
    arome = shared_data / "drift" / "norkyst_arome_16nov2015" / "arome_subset_16Nov2015.nc"
    plot = tmp_path / "w.png"
    result = runner.invoke(
        app,
        [
            "weather",
            "windows",
            str(arome),
            "--lat",
            "60",
            "--lon",
            "4.5",
            "--include-possible",
            "--json",
            "--hours",
            "--plot",
            str(plot),
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["waves_known"] is False and len(doc["hours"]) == 67
    assert len(doc["windows"]) == 1
    assert plot.read_bytes()[:4] == b"\x89PNG"
    outside = runner.invoke(app, ["weather", "windows", str(arome)])
    assert outside.exit_code == 2 and "outside the forecast" in outside.stderr


def test_weather_thresholds_and_backtest(shared_data: Path) -> None:
    result = runner.invoke(app, ["weather", "thresholds", "--json"])
    doc = json.loads(result.stdout)
    assert doc["thresholds"]["likely_wind_kn"] == 10.0 and doc["sources"]
    coads = shared_data / "metocean" / "coads_climatology_channel_coarse.nc"
    result = runner.invoke(app, ["weather", "backtest", str(coads), "--json"])
    assert result.exit_code == 0, result.output
    bt = json.loads(result.stdout)
    assert bt["people_vs_wind"]["n"] == 12 and bt["cannot_test"]


def test_report_incident_from_a_ledger(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from channelwatch.events import Event
    from channelwatch.ledger import Ledger

    db = tmp_path / "r.db"
    t = datetime(2024, 9, 3, 1, 0, tzinfo=UTC)
    with Ledger.create(db) as led:
        report = {"report_id": "call-1", "kind": "call", "lat": 50.8, "lon": 1.55, "persons": 12}
        led.append(Event("case_opened", t, "FR/op-1", {"case_id": "C-9", "report": report}))
        led.append(Event("decision_recorded", t, "FR/op-1", {"case_id": "C-9", "decision": "x"}))
        led.checkpoint()
        key = str(led.public_key)
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    result = runner.invoke(
        app,
        [
            "report",
            "incident",
            "--ledger",
            str(db),
            "--case",
            "C-9",
            "--key",
            key,
            "--html",
            str(html),
            "--pdf",
            str(pdf),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["verified"] is True and doc["key_source"] == "given" and doc["calls"] == 1
    assert "Incident report" in html.read_text()
    assert pdf.read_bytes()[:5] == b"%PDF-"
    missing = runner.invoke(app, ["report", "incident", "--ledger", str(db), "--case", "C-0"])
    assert missing.exit_code == 2
    neither = runner.invoke(app, ["report", "incident", "--html", str(html)])
    assert neither.exit_code == 2 and "--bundle" in neither.stderr
