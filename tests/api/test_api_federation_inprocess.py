"""Two federated servers in one process (FR and GB), their messages moved by the test instead of
NATS: the partner's picture in the API and the stream, handover by explicit acceptance over the
link, nothing internal crossing, nothing applied twice, a restart folding the same views."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from api_testkit import Api, make_settings  # type: ignore[import-not-found]
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.api.app import create_app
from channelwatch.api.federation import (
    FederationOptions,
    partner_contact,
    partner_track,
    read_partner_keys,
    shared_picture,
    with_federation,
)
from channelwatch.events import Event
from channelwatch.federation.bridge import track_picture_event
from channelwatch.federation.errors import FederationInputError
from channelwatch.federation.node import Node, Outcome
from channelwatch.federation.outbox import pending
from channelwatch.ledger import Ledger

SECRET_NOTE = "the caller's cousin waits in Dunkirk"  # an operator's note on a call: stays home
SECRET_CASE_NOTE = "skipper known to us from 2024"  # an internal case note: stays home


@dataclass
class Pump:
    """One centre's outbox to the other's node, as its stream would deliver it."""

    src: Node
    dst: Node
    cursor: int = 0
    seq: int = 0
    previous: int | None = None
    outcomes: list[Outcome] = field(default_factory=list)

    def run(self) -> int:
        n = 0
        while True:
            batch = pending(
                self.src.ledger, self.src.centre, self.cursor, previous_size=self.previous
            )
            for env in batch.envelopes:
                self.seq += 1
                receipt = self.dst.receive(self.src.centre, env.to_bytes(), self.seq)
                self.outcomes.append(receipt.outcome)
                self.previous = int(env.checkpoint.split("\n")[1])
                n += 1
            if batch.next_index == self.cursor:
                return n
            self.cursor = batch.next_index


class Centre:
    """One federated server (TestClient) on its own store and ledger."""

    def __init__(self, tmp: Path, code: str, origin: str) -> None:
        self.code = code
        self.dir = tmp / code.lower()
        self.dir.mkdir()
        ledger_path = self.dir / "cw.ledger.db"
        with Ledger.create(ledger_path, origin=origin) as ledger:
            self.public_key = ledger.public_key
        self.ledger_path = ledger_path
        self.settings = make_settings(self.dir, tracker_process=False)
        self.client: TestClient | None = None
        self.api: Api | None = None

    def start(self, partner: str, key: Any) -> None:
        options = FederationOptions(
            url="nats://unused", centre=self.code, partner_keys={partner: key}
        )
        app = with_federation(create_app(self.settings), options, link=False)
        self.client = TestClient(app)
        self.client.__enter__()
        self.api = Api(self.client)

    def stop(self) -> None:
        if self.client is not None:
            self.client.__exit__(None, None, None)
            self.client = None

    @property
    def node(self) -> Node:
        assert self.client is not None
        node = self.client.app.state.federation.node  # type: ignore[attr-defined]
        assert isinstance(node, Node)
        return node


@dataclass
class Pair:
    fr: Centre
    gb: Centre
    to_gb: Pump
    to_fr: Pump

    def sync(self) -> None:
        for _ in range(3):
            self.to_gb.run()
            self.to_fr.run()


def _pair(fr: Centre, gb: Centre) -> Pair:
    return Pair(fr, gb, Pump(fr.node, gb.node), Pump(gb.node, fr.node))


@pytest.fixture()
def pair(tmp_path: Path) -> Iterator[Pair]:
    fr = Centre(tmp_path, "FR", "cross-gris-nez")
    gb = Centre(tmp_path, "GB", "hmcg-dover")
    fr.start("GB", gb.public_key)
    gb.start("FR", fr.public_key)
    try:
        yield _pair(fr, gb)
    finally:
        fr.stop()
        gb.stop()


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _call(call_id: str, lat: float = 50.95, lon: float = 1.6) -> dict[str, Any]:
    return {
        "kind": "call",
        "time": _now().isoformat(),
        "lat": lat,
        "lon": lon,
        "accuracy_m": 100.0,
        "persons_reported": 41,
        "water_coming_in": True,
        "call_id": call_id,
        "note": SECRET_NOTE,
    }


def _contact(report_id: str) -> dict[str, Any]:
    return {
        "kind": "contact",
        "time": _now().isoformat(),
        "lat": 50.97,
        "lon": 1.62,
        "sensor": "radar",
        "sensor_id": "radar-gn-1",
        "sigma_m": 150.0,
        "report_id": report_id,
    }


def _open_case_with_request(api: Api) -> str:
    r = api.post("/api/contacts", _call("CALL-F1"))
    assert r.status_code == 202, r.text
    advice_index = r.json()["suggestions"][0]["advice_index"]
    r = api.post("/api/cases", {"advice_index": advice_index, "reason": "new boat"})
    assert r.status_code == 201, r.text
    case_id = str(r.json()["case"]["case_id"])
    r = api.post(f"/api/cases/{case_id}/notes", {"text": SECRET_CASE_NOTE})
    assert r.status_code == 201, r.text
    r = api.post(
        f"/api/cases/{case_id}/handover/request",
        {"reason": "the boat is heading into UK waters", "to_centre": "GB"},
    )
    assert r.status_code == 200, r.text
    return case_id


def _collect(ws: Any, want: Any, limit: int = 60) -> dict[str, Any]:
    for _ in range(limit):
        msg: dict[str, Any] = ws.receive_json()
        if want(msg):
            return msg
    raise AssertionError(f"no wanted message in {limit}")


def _received(path: Path, sender: str) -> list[int]:
    with Ledger.open(path, without_key=True) as book:
        return [
            int(e.payload["sender_index"])
            for e in book.entries()
            if e.type == "federation.received" and e.payload.get("from") == sender
        ]


def _ledger_text(path: Path) -> str:
    with Ledger.open(path, without_key=True) as book:
        return "\n".join(str(e.to_event().payload) for e in book.entries())


def test_partner_picture_handover_by_acceptance_and_nothing_internal(pair: Pair) -> None:
    fr, gb = pair.fr.api, pair.gb.api
    assert fr is not None and gb is not None
    assert gb.client is not None
    with gb.client.websocket_connect(f"/api/ws?token={gb.token('dover-operator')}") as ws:
        assert ws.receive_json()["type"] == "hello"
        r = fr.post("/api/contacts", _contact("R-1"))
        assert r.status_code == 202
        case_id = _open_case_with_request(fr)
        pair.sync()
        shown = _collect(ws, lambda m: m["type"] == "case")
        assert shown["case"]["case_id"] == f"FR:{case_id}" and shown["case"]["origin"] == "FR"
        contacts = _collect(ws, lambda m: m["type"] == "contacts")["contacts"]
        assert all(c["origin"] == "FR" for c in contacts)

    # The partner's contacts and call are in GB's API, marked, the call without its note.
    items = gb.get("/api/contacts", params={"limit": 1000}).json()["items"]
    from_fr = {c.get("report_id") or c.get("call_id"): c for c in items if c.get("origin") == "FR"}
    assert set(from_fr) == {"R-1", "CALL-F1"}
    assert "note" not in from_fr["CALL-F1"] and from_fr["CALL-F1"]["persons_reported"] == 41
    # The case is listed at GB under its cross-centre name, pending, still coordinated by FR.
    ref = f"FR:{case_id}"
    listed = {c["case_id"]: c for c in gb.get("/api/cases").json()["items"]}
    assert listed[ref]["centre"] == "FR" and listed[ref]["pending_handover"] is not None
    assert gb.get(f"/api/cases/{ref}").json()["origin"] == "FR"
    assert gb.get(f"/api/cases/{ref}", user="partner-be").status_code == 200
    alerts = gb.get("/api/alerts", params={"kind": "handover_requested"}).json()["items"]
    assert any(a["case_id"] == ref for a in alerts)
    assert SECRET_NOTE not in _ledger_text(pair.gb.ledger_path)
    assert SECRET_NOTE not in fr.get(f"/api/cases/{case_id}", user="partner-be").text
    assert SECRET_CASE_NOTE not in _ledger_text(pair.gb.ledger_path)

    # Nothing but the handover commands travels; a FR user cannot act in GB's name.
    r = gb.post(
        f"/api/cases/{ref}/tasks", {"asset": "ALB", "kind": "rescue"}, user="dover-operator"
    )
    assert r.status_code == 409 and "handover" in r.json()["detail"]
    assert gb.post(f"/api/cases/{ref}/handover/accept", {}).status_code == 422
    assert (
        gb.post("/api/cases/FR:C-0099/handover/accept", {}, user="dover-operator").status_code
        == 404
    )

    # Dover accepts: recorded at GB and sent; nothing moves until FR's book has run it.
    r = gb.post(f"/api/cases/{ref}/handover/accept", {}, user="dover-operator")
    assert r.status_code == 200, r.text
    assert r.json()["case"]["centre"] == "FR"
    assert fr.get(f"/api/cases/{case_id}").json()["centre"] == "FR"
    assert fr.client is not None
    with fr.client.websocket_connect(f"/api/ws?token={fr.token('gn-operator')}") as ws:
        assert ws.receive_json()["type"] == "hello"
        pair.to_fr.run()
        moved = _collect(ws, lambda m: m["type"] == "case")
        assert moved["case"]["case_id"] == case_id and moved["case"]["centre"] == "GB"
        assert moved["event"]["type"] == "handover_accepted"
    assert fr.get(f"/api/cases/{case_id}").json()["centre"] == "GB"
    events = fr.get(f"/api/cases/{case_id}/events").json()["items"]
    accepted = [e for e in events if e["type"] == "handover_accepted"]
    assert [e["actor"] for e in accepted] == ["GB/operator"]
    # GB's own note on the partner's case stays at GB.
    gb_note = "Dover: lifeboat crew briefed"
    assert (
        gb.post(f"/api/cases/{ref}/notes", {"text": gb_note}, user="dover-operator").status_code
        == 201
    )
    pair.sync()
    assert gb.get(f"/api/cases/{ref}").json()["centre"] == "GB"
    assert gb_note not in _ledger_text(pair.fr.ledger_path)
    kinds = [e["type"] for e in gb.get(f"/api/cases/{ref}/events").json()["items"]]
    assert "federation.command" in kinds and "case_note" in kinds
    assert "federation.received" in kinds
    # A second acceptance is refused at GB already (the shared case has none pending).
    r = gb.post(f"/api/cases/{ref}/handover/accept", {}, user="dover-operator")
    assert r.status_code == 409
    # FR's own case commands still run, under the node's lock.
    r = fr.post(f"/api/cases/{case_id}/tasks", {"asset": "SNSM Calais", "kind": "standby"})
    assert r.status_code in (200, 403, 409)

    # Applied once each: receipts unique by sender index, on both sides; nothing rejected.
    pair.sync()
    for path, sender in ((pair.gb.ledger_path, "FR"), (pair.fr.ledger_path, "GB")):
        got = _received(path, sender)
        assert got and len(got) == len(set(got)) and got == sorted(got)
    assert Outcome.REJECTED not in pair.to_gb.outcomes + pair.to_fr.outcomes


def test_partner_tracks_join_the_picture_and_age_out(pair: Pair) -> None:
    fr, gb = pair.fr.api, pair.gb.api
    assert fr is not None and gb is not None
    t = _now()
    tracks = [
        {
            "track_id": "AIS-227000001",
            "kind": "ship",
            "lat": 50.99,
            "lon": 1.51,
            "sog_kn": 11.5,
            "cog_deg": 40.0,
            "last_update": t.isoformat(),
            "trail": [[(t - timedelta(seconds=k)).isoformat(), 50.99, 1.51] for k in range(30)],
            "case_id": "C-0007",
            "source": "kept at home",
        },
        {"track_id": "T-9", "kind": "small_boat", "lat": 50.9, "lon": 1.6, "internal": True},
    ]
    event = track_picture_event(shared_picture(tracks), t)
    fr.services.ops.writer.submit_from_thread([event])
    assert pair.to_gb.run() == 1

    def partner_items() -> list[dict[str, Any]]:
        return [x for x in gb.get("/api/tracks").json()["items"] if x.get("origin") == "FR"]

    import time

    deadline = time.monotonic() + 10
    while not partner_items() and time.monotonic() < deadline:
        time.sleep(0.1)
    (shown,) = partner_items()
    assert shown["track_id"] == "FR:AIS-227000001" and shown["case_id"] == "FR:C-0007"
    assert "source" not in shown and len(shown["trail"]) == 10
    assert gb.get("/api/tracks/FR:AIS-227000001").json()["origin"] == "FR"
    fed = gb.client.app.state.federation  # type: ignore[union-attr]
    fed.options = FederationOptions(
        url="nats://unused",
        centre="GB",
        partner_keys=fed.options.partner_keys,
        partner_stale_s=1e-6,
    )
    assert fed.partner_tracks() == []


def test_a_restarted_server_folds_the_same_partner_views(tmp_path: Path) -> None:
    fr = Centre(tmp_path, "FR", "cross-gris-nez")
    gb = Centre(tmp_path, "GB", "hmcg-dover")
    fr.start("GB", gb.public_key)
    gb.start("FR", fr.public_key)
    try:
        assert fr.api is not None
        case_id = _open_case_with_request(fr.api)
        pair = _pair(fr, gb)
        pair.sync()
        assert gb.api is not None
        before = gb.api.get("/api/cases").json()["items"]
        contacts_before = gb.api.get("/api/contacts").json()["items"]
        gb.stop()
        gb.start("FR", fr.public_key)
        assert gb.api.get("/api/cases").json()["items"] == before
        assert gb.api.get("/api/contacts").json()["items"] == contacts_before
        # The stream delivers again from where GB's ledger says it stopped: duplicates skipped.
        again = Pump(fr.node, gb.node)
        again.run()
        assert set(again.outcomes) == {Outcome.DUPLICATE}
        assert gb.api.get(f"/api/cases/FR:{case_id}").json()["pending_handover"] is not None
        got = _received(gb.ledger_path, "FR")
        assert len(got) == len(set(got))
    finally:
        fr.stop()
        gb.stop()


# -- the pure parts ---------------------------------------------------------------------------


def test_options_are_checked(tmp_path: Path) -> None:
    with pytest.raises(FederationInputError, match="--partner"):
        FederationOptions(url="nats://x", centre="FR", partner_keys={})
    with pytest.raises(FederationInputError, match="capital"):
        FederationOptions(url="nats://x", centre="fr", partner_keys={"GB": object()})  # type: ignore[dict-item]
    with pytest.raises(FederationInputError, match="CODE=PUBLIC_KEY_FILE"):
        read_partner_keys(["GB"])
    with pytest.raises(FederationInputError, match=r"gb\.pub"):
        read_partner_keys([f"GB={tmp_path / 'gb.pub'}"])


def test_serve_refuses_partial_federation_options() -> None:
    from typer.testing import CliRunner

    from channelwatch.cli.main import app

    r = CliRunner().invoke(app, ["serve", "--centre", "FR"])
    assert r.exit_code == 2 and "--federation" in r.output
    r = CliRunner().invoke(app, ["serve", "--federation", "nats://127.0.0.1:1"])
    assert r.exit_code == 2 and "--centre" in r.output


_text = st.text(max_size=20)
_json_scalar = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text


@settings(max_examples=60, deadline=None)
@given(
    payload=st.dictionaries(_text, _json_scalar, max_size=8),
    note=_text,
    index=st.integers(0, 2**40),
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
)
def test_a_partner_call_never_shows_a_note(
    payload: dict[str, Any], note: str, index: int, lat: float, lon: float
) -> None:
    body = {**payload, "note": note, "lat": lat, "lon": lon}
    event = Event("observation.distress_call", _now(), "FR/staff", body)
    record, shown = partner_contact("FR", index, event, 3)
    assert record is not None and "note" not in record.body and "note" not in shown
    assert shown["origin"] == "FR" and shown["id"] == index == record.ledger_index
    assert shown["kind"] == "call" and (record.lat, record.lon) == (lat, lon)


@settings(max_examples=60, deadline=None)
@given(track_id=_text, case_id=st.none() | _text, extra=st.dictionaries(_text, _json_scalar))
def test_a_partner_track_is_named_and_marked(
    track_id: str, case_id: str | None, extra: dict[str, Any]
) -> None:
    t = {**extra, "track_id": track_id, "case_id": case_id}
    out = partner_track("GB", t)
    assert out["track_id"] == f"GB:{track_id}" and out["origin"] == "GB"
    if case_id is None or ":" in case_id:
        assert out["case_id"] == case_id
    else:
        assert out["case_id"] == f"GB:{case_id}"
