"""``channelwatch serve`` for real: a process on 127.0.0.1 replaying a scenario on the embedded
store, answering HTTP and WebSocket clients, stopped cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from websockets.sync.client import connect

from servers import free_port  # type: ignore[import-not-found]


def test_serve_replays_a_scenario_on_the_embedded_store(scenario_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    exe = str(Path(sys.executable).parent / "channelwatch")
    env = dict(os.environ, CHANNELWATCH_SNAPSHOT_INTERVAL_S="0.5")
    env.pop("CHANNELWATCH_ENV", None)
    proc = subprocess.Popen(
        [
            exe,
            "serve",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "cw.db"),
            "--replay",
            str(scenario_dir),
            "--speed",
            "120",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.3)
        r = httpx.post(
            f"{base}/api/auth/login",
            json={"username": "dover-operator", "password": "dover-operator-demo"},
        )
        token = r.json()["access_token"]
        h = {"Authorization": f"Bearer {token}"}
        clock = httpx.get(f"{base}/api/clock", headers=h).json()
        assert clock["mode"] == "replay" and clock["speed"] == 120
        with connect(f"ws://127.0.0.1:{port}/api/ws?token={token}") as ws:
            # the client offers compression, as browsers do; the server declines by default
            assert ws.response is not None
            extensions = ws.response.headers.get("Sec-WebSocket-Extensions") or ""
            assert "permessage-deflate" not in extensions
            hello = json.loads(ws.recv(timeout=10))
            assert hello["type"] == "hello" and hello["user"]["centre"] == "GB"
            tracks: list[dict[str, object]] = []
            end = time.monotonic() + 30
            while not tracks and time.monotonic() < end:
                msg = json.loads(ws.recv(timeout=10))
                if msg["type"] == "tracks":
                    tracks = msg["tracks"]
            assert tracks, "no picture on the stream"
            assert {"track_id", "kind", "lat", "lon", "sar_region"} <= set(tracks[0])
        # a report goes through the contact intake and the ledger appender's own process
        report = {
            "kind": "contact",
            "time": clock["time"],
            "lat": 50.95,
            "lon": 1.55,
            "sensor": "aerial",
            "sensor_id": "test-aircraft",
            "sigma_m": 100,
            "report_id": "serve-test-1",
        }
        r = httpx.post(f"{base}/api/contacts", json=report, headers=h)
        assert r.status_code == 202, r.text
        index = r.json()["ledger_indices"][0]
        auditor = httpx.post(
            f"{base}/api/auth/login", json={"username": "auditor", "password": "auditor-demo"}
        ).json()["access_token"]
        entry = httpx.get(
            f"{base}/api/ledger/entries/{index}", headers={"Authorization": f"Bearer {auditor}"}
        )
        assert entry.status_code == 200, entry.text
        assert "serve-test-1" in entry.text
        health = httpx.get(f"{base}/api/health").json()
        assert health["ledger_appender_restarts"] == 0 and health["ledger_size"] > index
        page = httpx.get(f"{base}/", follow_redirects=True)
        assert page.status_code == 200
        assert httpx.get(f"{base}/api/openapi.json").json()["info"]["title"] == "ChannelWatch"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    text = out.decode()
    # uvicorn shuts down gracefully, then re-raises the signal (exit status 128 + SIGINT)
    assert proc.returncode in (0, 128 + signal.SIGINT, -signal.SIGINT), text[-2000:]
    assert "Traceback" not in text, text[-3000:]
    assert "demo user 'dover-operator'" in text and "replay" in text
