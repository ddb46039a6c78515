from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from channelwatch.cli.main import app

DATA = Path(__file__).parent / "data"
GPX = "{http://www.topografix.com/GPX/1/1}"
runner = CliRunner()


@pytest.fixture(scope="module")
def plan_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:  # type: ignore[type-arg]
    out = tmp_path_factory.mktemp("plan")
    result = runner.invoke(
        app,
        [
            "search-plan",
            "--scenarios",
            str(DATA / "case_gaussian.json"),
            "--units",
            str(DATA / "units.json"),
            "--out-geojson",
            str(out / "plan.geojson"),
            "--out-gpx",
            str(out / "gpx"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), out


def test_json_summary(plan_run: tuple[dict, Path]) -> None:  # type: ignore[type-arg]
    summary, _ = plan_run
    assert summary["case_id"] == "demo-gris-nez"
    assert [s["id"] for s in summary["scenarios"]] == ["adrift-since-call", "kept-going"]
    assert sum(s["weight"] for s in summary["scenarios"]) == pytest.approx(1.0)
    for s in summary["scenarios"]:
        i = s["iamsar"]
        assert i["e_m"] == pytest.approx((i["de_m"] ** 2 + i["y_m"] ** 2) ** 0.5, rel=1e-3)
        assert i["search_radius_m"] == pytest.approx(1.1 * i["e_m"], rel=1e-3)
    assert 0 < summary["pos"] <= summary["optimal_pos"] + 1e-9
    assert summary["pos"] == pytest.approx(sum(u["pos"] for u in summary["units"]), abs=1e-3)
    assert {u["unit"] for u in summary["units"]} | {s["unit"] for s in summary["skipped"]} == {
        "Dover ALB",
        "Walmer ILB",
        "Rescue 163",
        "Abeille",
    }


def test_geojson(plan_run: tuple[dict, Path]) -> None:  # type: ignore[type-arg]
    summary, out = plan_run
    fc = json.loads((out / "plan.geojson").read_text())
    assert fc["type"] == "FeatureCollection"
    kinds: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for f in fc["features"]:
        kinds.setdefault(f["properties"]["kind"], []).append(f)
    assert {"cell", "datum", "unit_area", "route"} <= set(kinds)
    poc = [f["properties"]["poc"] for f in kinds["cell"]]
    assert 0.98 <= sum(poc) <= 1.0 + 1e-9
    assert {f["properties"]["scenario"] for f in kinds["datum"]} == {
        "adrift-since-call",
        "kept-going",
        "mixture",
    }
    for f in kinds["route"]:
        coords = f["geometry"]["coordinates"]
        assert f["geometry"]["type"] == "LineString" and len(coords) >= 2
        assert all(0.5 < lon < 2.5 and 50.5 < lat < 51.5 for lon, lat in coords)
    for f in kinds["unit_area"]:
        ring = f["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1]
    assert len(kinds["route"]) == len(summary["units"])


def test_gpx_files(plan_run: tuple[dict, Path]) -> None:  # type: ignore[type-arg]
    summary, out = plan_run
    files = sorted((out / "gpx").glob("*.gpx"))
    assert len(files) == len(summary["units"])
    by_name = {u["unit"].replace(" ", "_"): u for u in summary["units"]}
    for path in files:
        root = ET.parse(path).getroot()  # well-formed XML
        assert root.tag == f"{GPX}gpx" and root.get("version") == "1.1"
        rte = root.find(f"{GPX}rte")
        assert rte is not None
        pts = rte.findall(f"{GPX}rtept")
        assert len(pts) == by_name[path.stem]["waypoints"]
        assert all(-90 <= float(p.get("lat", "nan")) <= 90 for p in pts)
        first = pts[0]
        csp = by_name[path.stem]["commence_search_point"]
        assert float(first.get("lat", "nan")) == pytest.approx(csp["lat"], abs=1e-6)


def test_human_output() -> None:
    result = runner.invoke(
        app,
        [
            "search-plan",
            "--scenarios",
            str(DATA / "case_gaussian.json"),
            "--units",
            str(DATA / "units.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "POS of the plan" in result.output and "Datums" in result.output


def test_bad_input_exits_2_and_names_the_value(tmp_path: Path) -> None:
    bad = tmp_path / "units.json"
    bad.write_text(
        json.dumps(
            {
                "units": [
                    {
                        "id": "x",
                        "type": "kayak",
                        "speed_kn": 5,
                        "endurance_h": 2,
                        "start": {"lat": 51, "lon": 1.4},
                    }
                ]
            }
        )
    )
    result = runner.invoke(
        app, ["search-plan", "--scenarios", str(DATA / "case_gaussian.json"), "--units", str(bad)]
    )
    assert result.exit_code == 2
    assert "kayak" in result.output
    missing = runner.invoke(
        app, ["search-plan", "--scenarios", str(tmp_path / "nope.json"), "--units", str(bad)]
    )
    assert missing.exit_code == 2 and "nope.json" in missing.output
    naive = tmp_path / "case.json"
    doc = json.loads((DATA / "case_gaussian.json").read_text())
    doc["search_time"] = "2024-09-03T06:00:00"
    naive.write_text(json.dumps(doc))
    result = runner.invoke(
        app, ["search-plan", "--scenarios", str(naive), "--units", str(DATA / "units.json")]
    )
    assert result.exit_code == 2 and "UTC offset" in result.output


def test_help() -> None:
    result = runner.invoke(app, ["search-plan", "--help"])
    assert result.exit_code == 0
    assert "--out-gpx" in result.output and "--grid-m" in result.output
