"""The README's main job, end to end: a simulated scenario replayed by a real server, driven
through its API by the demo operator; in the first scenario minutes every part of the product
shows: tracks, a small boat in distress, a case with a handover at the line, a doctrine verdict
and a drift run."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx
import pytest

from channelwatch.sim.config import ScenarioConfig
from channelwatch.sim.world import World
from channelwatch.sim.writer import write_scenario
from servers import free_port


def _cw(*args: str) -> list[str]:
    return [sys.executable, "-c", "from channelwatch.cli.main import main; main()", *args]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    folder = tmp_path_factory.mktemp("mainjob")
    w = World(
        ScenarioConfig(
            start=datetime(2025, 8, 12, 1, tzinfo=UTC), hours=1.5, seed=1, demo=True, warmup_h=1.0
        )
    )
    write_scenario(w.run(), w.summary(), folder / "scenario")
    port = free_port()
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        _cw(
            "serve",
            "--port",
            str(port),
            "--db",
            str(folder / "cw.db"),
            "--replay",
            str(folder / "scenario"),
            "--speed",
            "60",
            "--log-level",
            "warning",
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError((folder / "server.log").read_text()[-3000:])
        time.sleep(0.5)
    yield url, folder
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_the_demo_shows_every_part_of_the_product(server) -> None:  # type: ignore[no-untyped-def]
    url, folder = server
    done = subprocess.run(
        _cw(
            "demo-operator",
            "--url",
            url,
            "--scenario",
            str(folder / "scenario"),
            "--timeout-s",
            "300",
            "--json",
        ),
        capture_output=True,
        text=True,
        timeout=360,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    case_id = out["case"]
    assert out["handover_accepted"] and out["drift_doc"] and out["decision_ledger_index"]

    api = httpx.Client(base_url=url, timeout=30)
    tok = api.post("/api/auth/login", json={"username": "auditor", "password": "auditor-demo"})
    api.headers["Authorization"] = f"Bearer {tok.json()['access_token']}"
    # tracks, among them small boats
    tracks = api.get("/api/tracks").json()["items"]
    assert len(tracks) > 20
    assert any(t["kind"] == "small_boat" for t in tracks)
    # the case: now coordinated by the UK, after a request raised by the system and an accept
    case = api.get(f"/api/cases/{case_id}").json()
    assert case["centre"] == "GB"
    handover = case["handovers"][0]
    assert handover["from_centre"] == "FR" and handover["status"] == "accepted"
    assert handover["requested_by"].startswith("SYSTEM")
    # the record holds the decision taken with the advice that was in front of the decider
    decision = api.get(f"/api/ledger/entries/{out['decision_ledger_index']}").json()
    assert decision["type"] == "decision"
    assert decision["payload"]["action"] == "rescue"
    shown = decision["payload"]["advice"]["stop_before_boarding"]
    assert shown["verdict"] == "prohibited"  # no coercion of a loaded boat, whatever the policy
    assert all(r["citation"] for r in shown["reasons"])
    # alerts were raised for the picture
    alerts = api.get("/api/alerts", params={"limit": 1000}).json()["items"]
    kinds = {a["kind"] for a in alerts}
    assert {"new_small_boat", "handover_requested"} <= kinds
