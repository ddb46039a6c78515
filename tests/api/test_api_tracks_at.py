"""``GET /api/tracks?at=``: the picture at a past time, from the store, on a replayed scenario."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from api_testkit import Api, make_settings  # type: ignore[import-not-found]
from fastapi.testclient import TestClient

from channelwatch.api.app import create_app


def _wait(cond: Any, timeout_s: float, what: str) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = cond()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_past_picture_matches_the_live_one_and_the_history(
    scenario_dir: Path, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, replay=str(scenario_dir), speed=600.0)
    with TestClient(create_app(settings)) as client:
        api = Api(client)
        # a live picture taken during the replay, to ask for again once it is past
        live = _wait(
            lambda: (lambda b: b if len(b["items"]) >= 3 else None)(api.get("/api/tracks").json()),
            60,
            "a live picture",
        )
        _wait(lambda: not api.get("/api/clock").json()["running"], 90, "the replay's end")
        t = live["time"]
        # the replay runs fast (a snapshot every 0.2 s of wall time is minutes of scenario)
        window = {"at": t, "max_age_s": 3600}
        past = api.get("/api/tracks", params=window).json()
        assert past["time"] == datetime.fromisoformat(t).isoformat()
        by_id = {p["track_id"]: p for p in past["items"]}
        recent = [
            x
            for x in live["items"]
            if "origin" not in x
            and datetime.fromisoformat(x["last_update"])
            > datetime.fromisoformat(t) - timedelta(seconds=3600)
        ]
        assert recent
        for x in recent:  # every track of that picture, where it was shown then
            p = by_id[x["track_id"]]
            assert (p["lat"], p["lon"], p["last_update"]) == (x["lat"], x["lon"], x["last_update"])
            assert p["kind"] == x["kind"] and p["mmsi"] == x["mmsi"]
            assert p["sog_kn"] == x["sog_kn"] and p["cog_deg"] == x["cog_deg"]
            assert p["trail"][-1] == [p["last_update"], p["lat"], p["lon"]]
        assert set(past["items"][0]) == set(live["items"][0]) | {"sar_region", "case_id"}
        # ... and each item is its track's latest stored point of the window
        at = datetime.fromisoformat(t)
        for p in past["items"]:
            hist = api.get(
                f"/api/tracks/{p['track_id']}/history",
                params={"since": (at - timedelta(seconds=3599)).isoformat(), "until": t},
            ).json()["points"]
            assert hist[-1]["time"] == p["last_update"] and hist[-1]["lat"] == p["lat"]
        # a partner sees the same picture (no track is withheld from partners today)
        assert api.get("/api/tracks", params=window, user="partner-be").json() == past
        small = api.get("/api/tracks", params={**window, "kind": "small_boat"}).json()["items"]
        assert {p["track_id"] for p in small} == {
            p["track_id"] for p in past["items"] if p["kind"] == "small_boat"
        }
        before = api.get("/api/tracks", params={"at": "2000-01-01T00:00:00Z"}).json()
        assert before["items"] == []


def test_bad_times_are_refused_with_the_value_named(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path))) as client:
        api = Api(client)
        naive = api.get("/api/tracks", params={"at": "2025-11-27T04:00:00"})
        assert naive.status_code == 422 and "2025-11-27T04:00:00" in naive.json()["detail"]
        assert api.get("/api/tracks", params={"at": "yesterday"}).status_code == 422
        bad_age = api.get("/api/tracks", params={"at": "2025-11-27T04:00Z", "max_age_s": 0})
        assert bad_age.status_code == 422
        ok = api.get("/api/tracks", params={"at": "2025-11-27T04:00:00+01:00"})
        assert ok.status_code == 200 and ok.json()["time"] == "2025-11-27T03:00:00+00:00"
