"""Drift runs and search plans for a case over the API, kept as documents and recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SEARCH_DATA = Path(__file__).resolve().parents[1] / "search" / "data"


@pytest.fixture(scope="module")
def case_id(api: Any) -> str:
    r = api.post(
        "/api/contacts",
        {
            "kind": "call",
            "time": "2025-11-27T01:30:00Z",
            "lat": 50.95,
            "lon": 1.55,
            "accuracy_m": 150,
            "persons_reported": 50,
            "engine": "failed",
            "call_id": "PLAN-1",
        },
    )
    advice = r.json()["suggestions"][0]["advice_index"]
    return str(api.post("/api/cases", {"advice_index": advice}).json()["case"]["case_id"])


def test_drift_from_the_cases_last_fix(api: Any, case_id: str) -> None:
    body = {
        "hours": 2,
        "particles": 300,
        "seed": 3,
        "wind_ms": [5.0, 2.0],
        "current_ms": [0.3, 0.1],
    }
    r = api.post(f"/api/cases/{case_id}/drift", body)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["kind"] == "drift_run" and doc["case_id"] == case_id
    assert doc["summary"]["start"]["lat"] == 50.95
    kinds = {f["properties"]["kind"] for f in doc["geojson"]["features"]}
    assert {"hull", "centroid"} <= kinds
    centroid = next(f for f in doc["geojson"]["features"] if f["properties"]["kind"] == "centroid")
    lon, lat = centroid["geometry"]["coordinates"]
    assert lat > 50.95 and lon > 1.55  # blown north-east by a south-westerly wind
    entry = api.services.ledger.entry(doc["ledger_index"])
    assert entry.type == "drift_run" and entry.payload["doc_id"] == doc["doc_id"]
    again = api.get(f"/api/documents/{doc['doc_id']}").json()
    assert again["geojson"] == doc["geojson"]
    listed = api.get(f"/api/cases/{case_id}/documents").json()["items"]
    assert [d["doc_id"] for d in listed] == [doc["doc_id"]]
    assert api.get(f"/api/documents/{doc['doc_id']}", user="partner-be").status_code == 403
    assert api.post(f"/api/cases/{case_id}/drift", body, user="fr-police").status_code == 403


def test_search_plan_from_the_search_packages_example(api: Any, case_id: str) -> None:
    case = json.loads((SEARCH_DATA / "case_gaussian.json").read_text())
    for s in case["scenarios"]:
        s["particles"] = 2000
    units = json.loads((SEARCH_DATA / "units.json").read_text())["units"]
    r = api.post(f"/api/cases/{case_id}/search-plans", {"case": case, "units": units, "seed": 1})
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["kind"] == "search_plan"
    assert doc["geojson"]["type"] == "FeatureCollection" and doc["geojson"]["features"]
    case["scenarios"][0]["kind"] = "particles"
    case["scenarios"][0]["file"] = "/etc/passwd"
    r = api.post(f"/api/cases/{case_id}/search-plans", {"case": case, "units": units})
    assert r.status_code == 422 and "gaussian" in r.json()["detail"]


def test_planning_needs_a_known_case(api: Any) -> None:
    r = api.post(
        "/api/cases/C-9999/drift",
        {"hours": 1, "lat": 51.0, "lon": 1.5, "time": "2025-11-27T01:00:00Z"},
    )
    assert r.status_code == 404
