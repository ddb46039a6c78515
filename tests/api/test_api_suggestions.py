"""``GET /api/suggestions``: a page opened after a call still gets the call's suggestion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from api_testkit import Api, make_settings  # type: ignore[import-not-found]
from fastapi.testclient import TestClient

from channelwatch.api.app import create_app
from channelwatch.api.routes import suggestions

T0 = datetime(2025, 11, 27, 1, 30, tzinfo=UTC)


def _app(tmp: Path) -> Any:
    # No web page mounted at "/": a router added after the factory would come after it.
    app = create_app(make_settings(tmp, tracker_process=False, static_dir=tmp / "no-page"))
    if not any(getattr(r, "path", None) == "/api/suggestions" for r in app.routes):
        app.include_router(suggestions.router)  # until the app factory lists it
    return app


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with TestClient(_app(tmp_path_factory.mktemp("sugg"))) as client:
        yield Api(client)


def _call(call_id: str, minutes: int, lat: float, lon: float) -> dict[str, Any]:
    return {
        "kind": "call",
        "time": (T0 + timedelta(minutes=minutes)).isoformat(),
        "lat": lat,
        "lon": lon,
        "accuracy_m": 150.0,
        "persons_reported": 48,
        "engine": "failed",
        "call_id": call_id,
        "note": "internal",
    }


def test_pending_suggestions_are_the_calls_still_to_place(api: Api) -> None:
    first = api.post("/api/contacts", _call("S-1", 0, 50.95, 1.55)).json()["suggestions"][0]
    r = api.post("/api/cases", {"advice_index": first["advice_index"], "reason": "new boat"})
    assert r.status_code == 201, r.text
    case_id = r.json()["case"]["case_id"]
    # A second call from the same place a few minutes later: suggested as that case's boat.
    second = api.post("/api/contacts", _call("S-2", 4, 50.951, 1.551)).json()["suggestions"][0]

    pending = api.get("/api/suggestions").json()["items"]
    assert [s["call_id"] for s in pending] == ["S-2"]
    (s,) = pending
    assert s["pending"] and s["case_id"] is None
    assert s["advice_index"] == second["advice_index"] and s["advice"] == second["advice"]
    assert s["advice"]["case_id"] == case_id  # what the page offers: attach to this case
    assert s["report"]["report_id"] == "S-2" and s["report"]["persons"] == 48
    assert s["ledger_index"] == second["ledger_index"]

    every = api.get("/api/suggestions", params={"pending": "false"}).json()["items"]
    assert [x["call_id"] for x in every] == ["S-2", "S-1"]  # newest first
    assert every[1]["case_id"] == case_id and not every[1]["pending"]

    # The operator decides: attach S-2 with the advice it was given; nothing is pending then.
    r = api.post(
        f"/api/cases/{case_id}/reports",
        {"advice_index": s["advice_index"], "reason": "same position, same count"},
    )
    assert r.status_code == 200, r.text
    assert api.get("/api/suggestions").json()["items"] == []
    assert (
        api.get("/api/suggestions", params={"limit": 1, "pending": "false"}).json()["items"][0][
            "case_id"
        ]
        == case_id
    )


def test_suggestions_are_for_the_centres_staff_only(api: Api) -> None:
    assert api.get("/api/suggestions", user="partner-be").status_code == 403
    assert api.get("/api/suggestions", user="gn-supervisor").status_code == 200
    assert api.get("/api/suggestions", params={"limit": 0}).status_code == 422


def test_suggestion_lookup_in_a_fresh_store(tmp_path: Path) -> None:
    with TestClient(_app(tmp_path)) as client:
        assert Api(client).get("/api/suggestions").json() == {"items": [], "next": None}
