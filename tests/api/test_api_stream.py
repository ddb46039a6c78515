"""The WebSocket stream by role, and a restart: the store caught up from the ledger, the cases
rebuilt from their events."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from api_testkit import Api, make_settings  # type: ignore[import-not-found]
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from channelwatch.api.app import create_app
from channelwatch.api.auth.principal import Principal
from channelwatch.api.auth.roles import Role
from channelwatch.api.live.projection import contact_event
from channelwatch.api.ws import Client, Hub
from channelwatch.bus import Audience, InProcessBus, Message
from channelwatch.ingest.observation import ContactReport, Sensor
from channelwatch.ledger import Ledger

CALL = {
    "kind": "call",
    "time": "2025-11-27T01:30:00+00:00",
    "lat": 50.95,
    "lon": 1.55,
    "accuracy_m": 100.0,
    "persons_reported": 45,
    "call_id": "WS-1",
    "note": "internal remark",
}


def _collect(ws: Any, *kinds: str, limit: int = 30) -> dict[str, dict[str, Any]]:
    """Read messages until one of each kind has come (in any order)."""
    got: dict[str, dict[str, Any]] = {}
    for _ in range(limit):
        msg: dict[str, Any] = ws.receive_json()
        got.setdefault(msg["type"], msg)
        if all(k in got for k in kinds):
            return got
    raise AssertionError(f"missing {set(kinds) - set(got)} after {limit} messages")


def test_clients_get_live_updates_filtered_by_role(api: Api) -> None:
    c = api.client
    with (
        c.websocket_connect(f"/api/ws?token={api.token('gn-operator')}") as op,
        c.websocket_connect(f"/api/ws?token={api.token('partner-be')}") as partner,
    ):
        hello = op.receive_json()
        assert hello["type"] == "hello" and hello["user"]["username"] == "gn-operator"
        assert partner.receive_json()["user"]["role"] == "partner"
        assert api.post("/api/contacts", CALL).status_code == 202
        got = _collect(op, "contacts", "suggestion")
        mine = got["contacts"]["contacts"]
        assert mine[0]["call_id"] == "WS-1" and mine[0]["note"] == "internal remark"
        assert got["suggestion"]["call_id"] == "WS-1"
        theirs = _collect(partner, "contacts")["contacts"]["contacts"]
        assert theirs[0]["call_id"] == "WS-1" and "note" not in theirs[0]
        op.send_json({"type": "ping"})
        assert _collect(op, "pong")["pong"]["type"] == "pong"


def test_a_bad_token_closes_the_socket(api: Api) -> None:
    with (
        pytest.raises(WebSocketDisconnect) as err,
        api.client.websocket_connect("/api/ws?token=nonsense") as ws,
    ):
        ws.receive_json()
    assert err.value.code == 4401


def test_hub_sends_internal_messages_to_staff_only() -> None:
    bus = InProcessBus()
    hub = Hub(bus, verifier=None, hello=lambda p: {})  # type: ignore[arg-type]
    t = datetime(2030, 1, 1, tzinfo=UTC)
    staff = Client(Principal("a", Role.OPERATOR, "FR", "A", "t1", t), 10)
    partner = Client(Principal("b", Role.PARTNER, "BE", "B", "t2", t), 10)
    hub.clients = {staff, partner}
    hub.fan_out(Message("cases", "note", {"text": "secret"}, audience=Audience.INTERNAL))
    hub.fan_out(
        Message("cases", "case", {"case": {"x": 1, "opened_by": "a"}}, partner={"case": {"x": 1}})
    )
    assert [m for m in staff.queue] == [
        '{"type":"note","text":"secret"}',
        '{"type":"case","case":{"x":1,"opened_by":"a"}}',
    ]
    assert list(partner.queue) == ['{"type":"case","case":{"x":1}}']


def test_restart_catches_up_from_the_ledger_and_rebuilds_cases(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        api = Api(client)
        r = api.post("/api/contacts", CALL | {"call_id": "R-1"})
        advice = r.json()["suggestions"][0]["advice_index"]
        case = api.post("/api/cases", {"advice_index": advice}).json()["case"]
        api.post(f"/api/cases/{case['case_id']}/notes", {"text": "kept"})
    # a crash after a ledger commit, before the store's: the entry is only in the ledger
    ledger = Ledger.open(settings.ledger_location(), key_path=settings.ledger_key_path())
    try:
        obs = ContactReport(
            datetime(2025, 11, 27, 2, 0, tzinfo=UTC),
            51.0,
            1.6,
            Sensor.AERIAL,
            "air-9",
            40.0,
            report_id="late-1",
        )
        index = ledger.append(contact_event(obs, "FR/gn-operator"))
    finally:
        ledger.close()
    with TestClient(create_app(settings)) as client:
        api = Api(client)
        items = api.get("/api/contacts", params={"limit": 1000}).json()["items"]
        assert any(c["ledger_index"] == index and c["report_id"] == "late-1" for c in items)
        again = api.get(f"/api/cases/{case['case_id']}").json()
        assert again["reports"][0]["report_id"] == "R-1"
        assert again["notes"][0]["text"] == "kept"
        assert api.services.ops.counters.catch_up_entries == 1
        # the next case gets the next number: the book was rebuilt, not started afresh
        r = api.post("/api/contacts", CALL | {"call_id": "R-2", "lat": 50.5, "lon": 1.0})
        nxt = api.post("/api/cases", {"advice_index": r.json()["suggestions"][0]["advice_index"]})
        assert nxt.json()["case"]["case_id"] != case["case_id"]
