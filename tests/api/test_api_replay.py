"""Replays: a real AIS recording through the whole pipeline, and a simulated Channel scenario
(merged AIS and contacts, scenario time, alerts) in process."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from api_testkit import Api, make_settings  # type: ignore[import-not-found]
from fastapi.testclient import TestClient

from channelwatch.api.app import create_app
from channelwatch.api.errors import ApiInputError
from channelwatch.api.live.replay import load_scenario


def _wait(cond: Any, timeout_s: float, what: str) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = cond()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_scenario_loading_merges_in_time_order(scenario_dir: Path) -> None:
    sc = load_scenario(scenario_dir)
    assert sc.ais_count > 0 and sc.contact_count > 0 and not sc.rejected
    times = [o.time for o in sc.items]
    assert times == sorted(times)
    with pytest.raises(ApiInputError):
        load_scenario(scenario_dir / "nope")


def test_real_ais_recording_replayed_into_the_picture(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "ais" / "ais_vernon_20160331.log"
    scen = tmp_path / "vernon"
    scen.mkdir()
    with src.open("rb") as f:
        head = b"".join(line for _, line in zip(range(3000), f, strict=False))
    (scen / "ais.nmea").write_bytes(head)
    settings = make_settings(tmp_path, replay=str(scen), speed=5000.0)
    with TestClient(create_app(settings)) as client:
        api = Api(client)
        _wait(lambda: not api.get("/api/clock").json()["running"], 60, "the replay's end")
        health = client.get("/api/health").json()
        assert health["replay_delivered"] > 2000 and health["ais"] == health["replay_delivered"]
        assert health["ledger_size"] >= health["replay_delivered"]
        tracks = _wait(lambda: api.get("/api/tracks").json()["items"], 30, "AIS tracks")
        assert all(t["track_id"].startswith("AIS-") for t in tracks)
        # the Seine at Vernon: positions where the recording says
        assert all(48.5 < t["lat"] < 49.5 and 1.0 < t["lon"] < 2.0 for t in tracks)
        clock = api.get("/api/clock").json()
        assert clock["mode"] == "replay" and clock["start"].startswith("2016-03-3")
        tid = tracks[0]["track_id"]
        hist = _wait(lambda: api.get(f"/api/tracks/{tid}/history").json()["points"], 10, "history")
        assert hist[0]["lat"] == pytest.approx(hist[0]["lat"])


def test_simulated_scenario_runs_on_scenario_time_with_alerts(
    scenario_dir: Path, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, replay=str(scenario_dir), speed=900.0)
    with TestClient(create_app(settings)) as client:
        api = Api(client)
        _wait(lambda: not api.get("/api/clock").json()["running"], 60, "the replay's end")
        alerts = _wait(
            lambda: api.get("/api/alerts", params={"kind": "distress_call"}).json()["items"],
            30,
            "a distress call alert",
        )
        assert alerts[0]["time"].startswith("2025-11-27T00:")  # scenario time, not wall time
        suggestion = api.services.ledger.entry(alerts[0]["details"]["advice_index"])
        assert suggestion.type == "correlation_suggested"
        assert suggestion.actor == "SYSTEM/channelwatch"  # the system suggests; nobody decided
        assert api.get("/api/cases").json()["items"] == []
        # contacts went to the ledger under their sensor's name... as the system relays them
        first = api.get("/api/contacts", params={"limit": 1}).json()["items"][0]
        assert first["received_by"] == "SYSTEM/channelwatch"
        truth_never_read = {p.name for p in scenario_dir.iterdir()} - {"ais.nmea", "contacts.jsonl"}
        assert any(n.startswith("truth") for n in truth_never_read)
