"""Two centres as two real ``channelwatch serve`` processes, federated over a real nats-server.

CROSS Gris-Nez (FR) and HM Coastguard Dover (GB) each run a server on 127.0.0.1 with its own
SQLite store and ledger. FR follows a real AIS recording (the Seine at Vernon, over UDP) and
takes radar contacts and a distress call over REST, opens a case and asks Dover to take it.
Mid-stream the GB server and the nats-server are killed with SIGKILL and restarted on the same
stores; then Dover accepts over REST. Both sides must agree: nothing lost, nothing applied twice,
the case coordinated by GB only after the acceptance, no internal note crossed.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from channelwatch.federation.share import REJECTED, share
from channelwatch.ledger import Ledger
from servers import ChildProcess, free_port, wait_port  # type: ignore[import-not-found]

pytestmark = [pytest.mark.nats, pytest.mark.timeout(240)]

CHANNELWATCH = str(Path(sys.executable).parent / "channelwatch")
CALL_NOTE = "caller says his brother is on the beach at Wimereux"  # stays at FR
CASE_NOTE = "same skipper as the 3 November crossing"  # stays at FR


class Server(ChildProcess):
    """``channelwatch serve`` for one centre, federated, with a client logged in as ``user``."""

    def __init__(self, tmp: Path, centre: str, partner: str, nats: str, user: str, **kw: Any):
        self.centre, self.user = centre, user
        self.dir = tmp / centre.lower()
        self.dir.mkdir()
        self.ledger = self.dir / "cw.ledger.db"
        origin = {"FR": "cross-gris-nez", "GB": "hmcg-dover"}[centre]
        with Ledger.create(self.ledger, origin=origin) as ledger:  # as `channelwatch ledger init`
            (tmp / f"{centre}.pub").write_text(f"{ledger.public_key}\n")
        self.port = free_port()
        args = [
            CHANNELWATCH, "serve", "--db", str(self.dir / "cw.db"), "--port", str(self.port),
            "--federation", nats, "--centre", centre,
            "--partner", f"{partner}={tmp / f'{partner}.pub'}",
            "--federation-picture-s", "1", "--log-level", "warning",
        ]  # fmt: skip
        if kw.get("ais_udp"):
            args += ["--ais-udp", str(kw["ais_udp"])]
        super().__init__(args, tmp / f"{centre}.log", {"CHANNELWATCH_TRACKER_PROCESS": "false"})
        self.http: httpx.Client | None = None

    def ready(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        base = f"http://127.0.0.1:{self.port}"
        while time.monotonic() < deadline:
            assert self.proc is not None and self.proc.poll() is None, self.tail()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            raise AssertionError(f"{self.centre} server did not start\n{self.tail()}")
        r = httpx.post(
            f"{base}/api/auth/login",
            json={"username": self.user, "password": f"{self.user}-demo"},
            timeout=10,
        )
        assert r.status_code == 200, r.text
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        self.http = httpx.Client(base_url=base, headers=headers, timeout=30)

    def get(self, path: str, **params: Any) -> Any:
        assert self.http is not None
        r = self.http.get(path, params=params)
        assert r.status_code == 200, (path, r.status_code, r.text)
        return r.json()

    def post(self, path: str, body: Any) -> httpx.Response:
        assert self.http is not None
        return self.http.post(path, json=body)


class Nats(ChildProcess):
    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        store = tmp / "js"
        store.mkdir()
        exe = shutil.which("nats-server") or "/usr/sbin/nats-server"
        args = [exe, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(store)]
        super().__init__(args, tmp / "nats.log")
        self.url = f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        super().start()
        wait_port(self.port)


class AisFeed:
    """Real AIS sentences (the Vernon shore log, prefixes cut) sent to a UDP port as they
    would come from a receiver: a few datagrams a second, on a thread, until stopped."""

    def __init__(self, path: Path, port: int, lines: int = 3000) -> None:
        with path.open(encoding="ascii", errors="replace") as f:
            self.lines = [
                ln.split(", ", 1)[1].strip() for _, ln in zip(range(lines), f, strict=False)
            ]
        self.port = port
        self.sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            k = 0
            while not self._stop.is_set():
                chunk = self.lines[k : k + 20] or self.lines[:20]
                k = k + 20 if k + 20 < len(self.lines) else 0
                s.sendto(("\r\n".join(chunk) + "\r\n").encode(), ("127.0.0.1", self.port))
                self.sent += len(chunk)
                self._stop.wait(0.1)

    def __enter__(self) -> AisFeed:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str, log: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if predicate():
                return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}\n{log}")


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _contact(k: int) -> dict[str, Any]:
    return {
        "kind": "contact",
        "time": _now(),
        "lat": 50.93 + k * 1e-4,
        "lon": 1.60,
        "sensor": "radar",
        "sensor_id": "radar-gn-1",
        "sigma_m": 150.0,
        "report_id": f"FR-r{k}",
    }


def _entries(ledger: Path) -> list[Any]:
    with Ledger.open(ledger, without_key=True) as book:
        return book.entries()


def _received(ledger: Path, sender: str) -> list[int]:
    return [
        int(e.payload["sender_index"])
        for e in _entries(ledger)
        if e.type == "federation.received" and e.payload.get("from") == sender
    ]


def _shared(ledger: Path, centre: str) -> list[int]:
    return [e.index for e in _entries(ledger) if share(e.to_event(), centre) is not None]


@pytest.fixture()
def world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    nats = Nats(tmp_path)
    nats.start()
    udp = free_port()
    fr = Server(tmp_path, "FR", "GB", nats.url, "gn-operator", ais_udp=udp)
    gb = Server(tmp_path, "GB", "FR", nats.url, "dover-operator")
    fr.start()
    gb.start()
    try:
        fr.ready()
        gb.ready()
        yield {"nats": nats, "FR": fr, "GB": gb, "udp": udp}
    finally:
        for p in (fr, gb, nats):
            p.stop()


def test_two_servers_federated_through_kills_and_restarts(
    world: dict[str, Any], shared_data: Path
) -> None:
    fr: Server = world["FR"]
    gb: Server = world["GB"]
    nats: Nats = world["nats"]

    def logs() -> str:
        return "\n".join(f"== {p.log.name}\n{p.tail()}" for p in (fr, gb, nats))

    posted = 0

    def post_contacts(n: int) -> None:
        nonlocal posted
        for _ in range(n):
            r = fr.post("/api/contacts", _contact(posted))
            assert r.status_code == 202, r.text
            posted += 1

    feed_log = shared_data / "ais" / "ais_vernon_20160331.log"
    with AisFeed(feed_log, world["udp"]):
        # FR: contacts, a call with an operator's note, a case from it, an internal note, and
        # a request that Dover take the case.
        post_contacts(5)
        call = {
            "kind": "call", "time": _now(), "lat": 50.95, "lon": 1.60, "accuracy_m": 100.0,
            "persons_reported": 41, "water_coming_in": True, "call_id": "FR-CALL-1",
            "note": CALL_NOTE,
        }  # fmt: skip
        r = fr.post("/api/contacts", call)
        assert r.status_code == 202, r.text
        advice_index = r.json()["suggestions"][0]["advice_index"]
        r = fr.post("/api/cases", {"advice_index": advice_index, "reason": "a new boat"})
        assert r.status_code == 201, r.text
        case_id = r.json()["case"]["case_id"]
        ref = f"FR:{case_id}"
        assert fr.post(f"/api/cases/{case_id}/notes", {"text": CASE_NOTE}).status_code == 201
        reason = "the boat is heading into UK waters"
        r = fr.post(f"/api/cases/{case_id}/handover/request", {"reason": reason, "to_centre": "GB"})
        assert r.status_code == 200, r.text

        # GB sees FR's picture: its contacts and call, its case (pending), its AIS tracks.
        def gb_sees_fr() -> bool:
            contacts = gb.get("/api/contacts", limit=1000)["items"]
            cases = {c["case_id"]: c for c in gb.get("/api/cases")["items"]}
            tracks = [t["track_id"] for t in gb.get("/api/tracks")["items"]]
            return (
                sum(1 for c in contacts if c.get("origin") == "FR") == posted + 1
                and ref in cases
                and cases[ref]["pending_handover"] is not None
                and any(t.startswith("FR:AIS-") for t in tracks)  # from FR's AIS feed
            )

        wait_until(gb_sees_fr, 45, "GB to show FR's contacts, case and tracks", logs())
        shown = gb.get(f"/api/cases/{ref}")
        assert shown["centre"] == "FR" and shown["origin"] == "FR"
        tracks = [t for t in gb.get("/api/tracks")["items"] if t.get("origin") == "FR"]
        assert tracks and all(t["track_id"].startswith("FR:") for t in tracks)
        alerts = gb.get("/api/alerts", kind="handover_requested")["items"]
        assert any(a["case_id"] == ref for a in alerts)
        # The other way: a GB radar contact reaches FR.
        gb_contact = _contact(900) | {"report_id": "GB-r1", "sensor_id": "radar-dover-1"}
        assert gb.post("/api/contacts", gb_contact).status_code == 202

        # Mid-stream: FR keeps taking contacts while the GB server and the NATS server die.
        post_contacts(5)
        gb.kill()
        post_contacts(5)
        nats.kill()
        post_contacts(5)
        nats.start()
        post_contacts(3)
        gb.start()
        gb.ready()
        post_contacts(3)
        # Nothing moved while GB was down: the case waits for an explicit acceptance.
        assert fr.get(f"/api/cases/{case_id}")["centre"] == "FR"
        wait_until(
            lambda: gb.get(f"/api/cases/{ref}")["pending_handover"] is not None,
            30,
            "GB to fold FR's case again",
            logs(),
        )
        assert gb.get(f"/api/cases/{ref}")["centre"] == "FR"

        # Dover accepts over REST; the command travels to FR, whose book runs it.
        r = gb.post(f"/api/cases/{ref}/handover/accept", {})
        assert r.status_code == 200, r.text
        wait_until(
            lambda: (
                fr.get(f"/api/cases/{case_id}")["centre"] == "GB"
                and gb.get(f"/api/cases/{ref}")["centre"] == "GB"
            ),
            45,
            "both centres to agree that GB coordinates",
            logs(),
        )

    # Everything FR shared reached GB exactly once, and the other way round.
    want_fr, want_gb = _shared(fr.ledger, "FR"), _shared(gb.ledger, "GB")

    def complete() -> bool:
        return set(_received(gb.ledger, "FR")) >= set(want_fr) and set(
            _received(fr.ledger, "GB")
        ) >= set(want_gb)

    wait_until(complete, 45, "every shared entry to arrive", logs())
    for ledger, sender, want in ((gb.ledger, "FR", want_fr), (fr.ledger, "GB", want_gb)):
        got = _received(ledger, sender)
        assert len(got) == len(set(got)), "a message applied twice"
        assert [i for i in got if i <= max(want)] == sorted(want), "lost or out of order"
        assert not [e for e in _entries(ledger) if e.type == REJECTED]
    # The store agrees with the ledger: each partner contact once.
    from_fr = [c for c in gb.get("/api/contacts", limit=1000)["items"] if c.get("origin") == "FR"]
    assert len(from_fr) == posted + 1 == len({c["sender_index"] for c in from_fr})
    assert any(c.get("report_id") == "GB-r1" for c in fr.get("/api/contacts", limit=1000)["items"])
    # The acceptance was recorded once at FR, in GB's name (its role, not its operator).
    accepted = [e for e in _entries(fr.ledger) if e.type == "handover_accepted"]
    assert [(e.payload["case_id"], e.actor) for e in accepted] == [(case_id, "GB/operator")]
    sent = [e for e in _entries(gb.ledger) if e.type == "federation.command"]
    assert [e.actor for e in sent] == ["GB/dover-operator"]
    # No internal note crossed.
    gb_text = b"\n".join(e.data for e in _entries(gb.ledger))
    for secret in (CALL_NOTE, CASE_NOTE):
        assert secret.encode() not in gb_text
    assert b"gn-operator" not in gb_text  # staff names stay home too
    assert fr.starts == 1 and gb.starts == 2 and nats.starts == 2
    health = gb.get("/api/health")["federation"]
    assert health["link"]["connected"] and health["partners"]["FR"]["rejected"] == 0
    assert fr.get("/api/health")["federation"]["pictures_recorded"] > 0
