"""The ``decode`` and ``contacts`` commands, end to end."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from channelwatch.cli.main import app

runner = CliRunner()


def test_decode_stats_json(shared_data: Path) -> None:
    path = shared_data / "ais" / "pyais_nmea_data_sample.txt"
    res = runner.invoke(app, ["decode", str(path), "--stats", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["sentences"] == 898 and doc["decoded"] == 778
    assert doc["errors"] == {"empty": 100, "orphan": 20}
    assert doc["types"]["1"] == 667 and sum(doc["types"].values()) == 778


def test_decode_jsonl_one_object_per_message(shared_data: Path) -> None:
    path = shared_data / "ais" / "libais_tagblock.nmea"
    res = runner.invoke(app, ["decode", str(path), "--jsonl"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["msg_type"] for r in rows] == [1, 5, 1, 1]
    assert rows[0]["time"] == "2014-12-10T00:41:53+00:00"
    assert rows[0]["source"] == "rORBCOMM104" and rows[0]["mmsi"] == 224651000


def test_decode_human_table_and_several_files(shared_data: Path) -> None:
    a = shared_data / "ais" / "gpsd_ais-18-27.log"
    b = shared_data / "ais" / "libais_tagblock.nmea"
    res = runner.invoke(app, ["decode", str(a), str(b)])
    assert res.exit_code == 0, res.output
    assert "undecodable 69" in res.stdout and "total" in res.stdout


def test_decode_strict_exit_code(tmp_path: Path) -> None:
    path = tmp_path / "bad.nmea"
    path.write_text("!AIVDM,1,1,,B,33I>hf0PA706QD:L7NC5lT;`011Q,0*22\nnot nmea\n")
    assert runner.invoke(app, ["decode", str(path), "--json"]).exit_code == 0
    res = runner.invoke(app, ["decode", str(path), "--strict"])
    assert res.exit_code == 2 and "malformed NMEA line 2" in res.output


def test_decode_missing_file_exit_code(tmp_path: Path) -> None:
    res = runner.invoke(app, ["decode", str(tmp_path / "nothing.log")])
    assert res.exit_code == 2 and "nothing.log" in res.output


def test_contacts_command(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    good = {"time": "2024-09-03T02:10:00Z", "lat": 50.97, "lon": 1.85, "sensor": "radar",
            "sensor_id": "gris-nez", "sigma_m": 80}  # fmt: skip
    bad = {**good, "sigma_m": 0}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    res = runner.invoke(app, ["contacts", str(path), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["accepted"] == 1 and doc["records"][0]["sensor"] == "radar"
    assert [(r["record"], r["field"]) for r in doc["rejected"]] == [(2, "sigma_m")]
    res = runner.invoke(app, ["contacts", str(path), "--strict"])
    assert res.exit_code == 2 and "sigma_m" in res.output
    res = runner.invoke(app, ["contacts", str(path)])
    assert res.exit_code == 0 and "rejected 1" in res.stdout


def test_help() -> None:
    for cmd in ("decode", "contacts"):
        res = runner.invoke(app, [cmd, "--help"])
        assert res.exit_code == 0 and "--json" in res.stdout


def test_feed_replays_a_file(shared_data: Path) -> None:
    path = shared_data / "ais" / "ais_vernon_20160401.log"
    res = runner.invoke(app, ["feed", str(path), "--speed", "inf", "--limit", "3", "--json"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(rows) == 3 and rows[0]["kind"] == "AisPosition"
    assert rows[0]["time"] == "2016-03-31T22:00:02+00:00"


def test_feed_follows_a_tcp_feed() -> None:
    import socket
    import threading

    line = b"!AIVDM,1,1,,B,33I>hf0PA706QD:L7NC5lT;`011Q,0*22\r\n"
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.sendall(line * 2)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        res = runner.invoke(app, ["feed", f"tcp://127.0.0.1:{port}", "--limit", "2", "--json"])
    finally:
        thread.join(timeout=10)
        server.close()
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    assert [r["mmsi"] for r in rows] == [227782840, 227782840]
    assert rows[0]["source"] == f"tcp:127.0.0.1:{port}"


def test_feed_refuses_an_unknown_scheme() -> None:
    res = runner.invoke(app, ["feed", "ftp://example:21"])
    assert res.exit_code == 2 and "tcp://host:port" in res.output
