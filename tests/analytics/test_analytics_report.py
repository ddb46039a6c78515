"""Incident reports from real ledgers: sections, advice in front of decisions, verification."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from channelwatch.analytics.report.figures import case_map, figure_bytes
from channelwatch.analytics.report.html import render_html
from channelwatch.analytics.report.model import build_report, redact, role_of
from channelwatch.analytics.report.verification import load_bundle, verify
from channelwatch.events import Event
from channelwatch.ledger import Ledger
from channelwatch.ledger.bundle import bundle_json

T0 = datetime(2024, 9, 3, 1, 0, tzinfo=UTC)
GENERATED = datetime(2026, 1, 1, tzinfo=UTC)
NOV2021 = Path(__file__).resolve().parents[1] / "cases" / "data" / "nov2021_pattern.yaml"


def _doctrine_advice() -> dict[str, Any]:
    reason = {"rule": "R1", "text": "persons aboard a boat in distress", "citation": "SOLAS V/33"}
    return {
        "rescue": {"verdict": "required", "reasons": [reason], "required_actions": ["rescue"]},
        "stop_before_boarding": {
            "verdict": "prohibited",
            "reasons": [{"rule": "R2", "text": "people aboard", "citation": "EU 656/2014 Art 9"}],
            "required_actions": [],
        },
    }


def _events() -> Iterator[Event]:
    def at(minutes: int) -> datetime:
        return T0 + timedelta(minutes=minutes)

    call = {
        "report_id": "call-1",
        "kind": "call",
        "time": at(0).isoformat(),
        "lat": 50.80,
        "lon": 1.55,
        "accuracy_m": 300.0,
        "persons": 60,
        "received_by": "FR",
        "description": "engine stopped <b>water</b>",
        "water_coming_in": True,
    }
    yield Event(
        "case_opened",
        at(0),
        "FR/cross-gn-operator-1",
        {
            "case_id": "C-1",
            "centre": "FR",
            "report": call,
            "phone": "+33 6 00 00 00 00",
            "advice": {"verdict": "new", "candidates": [], "p_new": 0.97},
        },
    )
    yield Event("case_opened", at(1), "GB/hmcg-1", {"case_id": "C-2", "centre": "GB"})
    yield Event(
        "assessment_attached",
        at(5),
        "SYSTEM/assess",
        {
            "case_id": "C-1",
            "phase": "distress",
            "assessment": {"factors": ["water coming in"]},
        },
    )
    yield Event(
        "advice_shown",
        at(6),
        "FR/cross-gn-operator-1",
        {
            "case_id": "C-1",
            "advice": _doctrine_advice(),
        },
    )
    yield Event(
        "decision",
        at(7),
        "FR/cross-gn-operator-1",
        {
            "case_id": "C-1",
            "action": "stop_before_boarding",
            "against_advice": True,
            "advice": _doctrine_advice(),
            "note": "<script>alert(1)</script>",
        },
    )
    yield Event(
        "handover_accepted",
        at(8),
        "FR/cross-gn-operator-1",
        {
            "case_id": "C-1",
            "from_centre": "GB",
            "to_centre": "FR",
        },
    )
    yield Event(
        "command_refused",
        at(9),
        "FR/cross-gn-operator-1",
        {
            "case_id": "C-1",
            "command": "CloseCase",
            "error": "0 of 60 accounted for",
        },
    )
    drift = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[1.50, 50.75], [1.62, 50.75], [1.62, 50.85], [1.50, 50.85], [1.50, 50.75]]
                    ],
                },
                "properties": {"kind": "density", "mass": 0.5},
            }
        ],
    }
    yield Event(
        "drift_run",
        at(20),
        "SYSTEM/drift",
        {
            "case_id": "C-1",
            "datum": {"lat": 50.79, "lon": 1.58},
            "cloud": drift,
            "hours": 6,
        },
    )
    yield Event(
        "task_assigned",
        at(21),
        "FR/cross-gn-operator-1",
        {
            "case_id": "C-1",
            "task_id": "C-1-T1",
            "asset": "SNSM Boulogne",
            "kind": "rescue",
            "advice": None,
        },
    )
    yield Event(
        "outcome_recorded",
        at(60),
        "FR/cross-gn-operator-1",
        {
            "case_id": "C-1",
            "outcome": {
                "kind": "rescued",
                "count": 60,
                "by": "SNSM Boulogne",
                "verified": True,
                "evidence_ref": "ev:1",
                "source": "crew",
            },
        },
    )
    yield Event(
        "case_closed",
        at(70),
        "FR/cross-gn-supervisor",
        {
            "case_id": "C-1",
            "kind": "all_accounted",
            "reason": "all landed at Boulogne",
            "tally": {
                "accounted": 60,
                "figure": 60,
                "missing": 0,
                "rescued": 60,
                "landed": 0,
                "deceased": 0,
            },
        },
    )


@pytest.fixture(scope="module")
def ledger_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ledger") / "record.db"
    with Ledger.create(path) as led:
        for e in _events():
            led.append(e)
        led.checkpoint()
    return path


@pytest.fixture(scope="module")
def bundle(ledger_path: Path) -> dict[str, Any]:
    with Ledger.open(ledger_path) as led:
        return led.export_case("C-1")


def test_sections_from_a_real_ledger(bundle: dict[str, Any]) -> None:
    data = bundle_json(bundle)
    report = build_report(bundle, verify(bundle, data, None), GENERATED)
    assert report.case_id == "C-1"
    assert report.entries[0].type == "case_opened"
    assert all(e.payload.get("case_id") == "C-1" for e in report.entries)  # C-2 left out
    (call,) = report.calls
    assert (call.report_id, call.persons, call.lat) == ("call-1", 60, 50.80)
    assert report.redacted == 1 and "+33" not in json.dumps([e.payload for e in report.entries])
    assert report.status == "closed (all_accounted)" and report.persons["missing"] == 0  # type: ignore[index]
    assert [e.type for e in report.refused] == ["command_refused"]
    assert [e.type for e in report.plans] == ["drift_run"]
    assert len(report.shapes) == 1 and {p.kind for p in report.points} >= {"call", "datum"}
    decisions = {d.entry.type: d for d in report.decisions}
    doctrine = decisions["decision"]
    assert doctrine.against_advice is True and doctrine.advice_index == doctrine.entry.index
    assert any("STOP_BEFORE_BOARDING: PROHIBITED" in line.upper() for line in doctrine.advice)
    # A decision without its own advice shows the latest standing advice, named by entry.
    handover = decisions["handover_accepted"]
    advice_entry = next(e for e in report.entries if e.type == "advice_shown")
    assert handover.advice_index == advice_entry.index
    # "advice": null recorded with a decision means none was in front of the decider.
    assert (
        decisions["task_assigned"].advice == () and decisions["task_assigned"].advice_index is None
    )


def test_verification_states(bundle: dict[str, Any], ledger_path: Path) -> None:
    data = bundle_json(bundle)
    own = verify(bundle, data, None)
    assert own.ok and own.key_source == "bundle"
    assert own.tree_size == 11 and len(own.leaf_hashes) == 10
    with Ledger.open(ledger_path) as led:
        key = str(led.public_key)
    given = verify(bundle, data, key)
    assert given.ok and given.key_source == "given"
    tampered = dict(bundle)
    items = [dict(i) for i in bundle["entries"]]
    items[2]["entry"] = items[2]["entry"].replace("distress", "alert")
    tampered["entries"] = items
    bad = verify(tampered, bundle_json(tampered), key)
    assert bad.ok is False and bad.problems
    report = build_report(tampered, bad, GENERATED)
    page = render_html(report, None, "tampered.json")
    assert "NOT VERIFIED" in page and "Do not rely on this report" in page


def test_html_page(bundle: dict[str, Any], ledger_path: Path, shared_data: Path) -> None:
    from channelwatch.analytics.geo_files import read_land

    report = build_report(bundle, verify(bundle, bundle_json(bundle), None), GENERATED)
    land = read_land(shared_data / "geography" / "land_gshhg_dover_strait.geojson")
    fig = case_map(report, land, None)
    assert fig is not None
    page = render_html(report, figure_bytes(fig), "case-C-1.json")
    assert page.startswith("<!DOCTYPE html>") and "data:image/png;base64," in page
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for title in (
        "Timeline",
        "Calls and sightings",
        "advice in front of the decider",
        "Drift and search",
        "Verification data",
        "Intact, origin not established",
    ):
        assert title in page
    assert "http://" not in page and "https://" not in page  # self-contained: nothing fetched
    assert "2026-01-01 00:00:00 UTC" in page


def test_roles_and_redaction() -> None:
    assert role_of("decision_recorded") == "decision"
    assert role_of("correlation_suggested") == "advice"
    assert role_of("command_refused") == "refused"
    assert role_of("doctrine.recommendation") == "advice"
    assert role_of("radar_plot") == "record"
    clean, n = redact({"a": {"caller_id": 1, "msisdn": "x"}, "b": [{"Phone": 2}], "persons": 3})
    assert n == 3 and clean["persons"] == 3 and clean["b"][0]["Phone"] == "[redacted]"


@pytest.mark.skipif(not NOV2021.is_file(), reason="the cases package's replay fixture is absent")
def test_report_of_the_24_november_2021_pattern(shared_data: Path, tmp_path: Path) -> None:
    # The cases package replays the public facts of that night into a real ledger.
    from channelwatch.cases import CaseBook
    from channelwatch.cases.scenario import run_scenario
    from channelwatch.cases.srr import lookup_from_geojson

    doc = yaml.safe_load(NOV2021.read_text(encoding="utf-8"))
    srr = lookup_from_geojson(shared_data / "geography" / "sar_regions.geojson")
    with Ledger.create(tmp_path / "night.db") as led:
        run_scenario(doc, CaseBook(led, srr))
        led.checkpoint()
        key = str(led.public_key)
        cases = {led.entry(i).payload.get("case_id") for i in range(led.size)}
        sizes = {c: len(led.case_indices(c)) for c in cases if c}
        case_id = max(sizes, key=lambda c: sizes[c])  # the boat with the most records
        bundle = led.export_case(case_id)
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle_json(bundle))
    loaded, data = load_bundle(path)
    report = build_report(loaded, verify(loaded, data, key), GENERATED)
    assert report.verification.ok and report.verification.key_source == "given"
    assert report.persons is not None and report.persons["figure"] == 33
    assert report.persons["deceased"] == 27 and report.persons["missing"] == 4
    assert len(report.calls) >= 5 and report.refused
    mayday = next(d for d in report.decisions if "Mayday" in d.entry.summary)
    assert mayday.advice  # the distress phase was in front of the decider
