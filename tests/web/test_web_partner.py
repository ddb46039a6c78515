"""A partner centre's items on the page: two federated servers (FR and GB) run in this process on
127.0.0.1 with uvicorn, their messages moved between them by the test (as
tests/api/test_api_federation_inprocess.py does) instead of NATS, and Dover's page in chromium.

What the page must show: the partner's track with its origin (list badge, map label suffix), the
partner's case with its origin badge and only the handover buttons, "sent, waiting for the home
centre's decision" after an accept until the decision comes back, and the link in the status line.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
pytest_plugins = ["web_fixtures"]

ORIGINS = {"FR": "cross-gris-nez", "GB": "hmcg-dover"}
PARTNER = {"FR": "GB", "GB": "FR"}
# Off Wimereux, in the French SAR region.
BOAT_LAT, BOAT_LON = 50.80, 1.52


@dataclass
class Centre:
    """One federated server: uvicorn in a thread, its app in reach for the test."""

    code: str
    base_url: str
    app: Any
    server: Any
    thread: threading.Thread
    tokens: dict[str, str] = field(default_factory=dict)

    def _request(self, method: str, path: str, user: str, body: Any = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data, headers, method=method)
        with urllib.request.urlopen(req, timeout=30) as res:
            return json.load(res)

    def token(self, user: str) -> str:
        if user not in self.tokens:
            res = self._request(
                "POST", "/api/auth/login", "", {"username": user, "password": f"{user}-demo"}
            )
            self.tokens[user] = res["access_token"]
        return self.tokens[user]

    def get(self, path: str, user: str) -> Any:
        return self._request("GET", path, user)

    def post(self, path: str, body: Any, user: str) -> Any:
        return self._request("POST", path, user, body)

    @property
    def node(self) -> Any:
        return self.app.state.federation.node


class Pump:
    """The link's stand-in: each centre's outbox delivered to the other's node, in a thread
    (pausable), with FR's tracker's shared picture recorded every second."""

    def __init__(self, fr: Centre, gb: Centre, picture: Callable[[], list[dict[str, Any]]]):
        self.pairs = [(fr, gb), (gb, fr)]
        self.state = {c.code: {"cursor": 0, "seq": 0, "previous": None} for c in (fr, gb)}
        self.fr = fr
        self.picture = picture
        self.running = threading.Event()
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._loop, name="federation-pump", daemon=True)

    def sync(self) -> None:
        from channelwatch.federation.outbox import pending

        with self.lock:
            for src, dst in self.pairs:
                st = self.state[src.code]
                while True:
                    batch = pending(
                        src.node.ledger, src.code, st["cursor"], previous_size=st["previous"]
                    )
                    for env in batch.envelopes:
                        st["seq"] += 1
                        dst.node.receive(src.code, env.to_bytes(), st["seq"])
                        st["previous"] = int(env.checkpoint.split("\n")[1])
                    if batch.next_index == st["cursor"]:
                        break
                    st["cursor"] = batch.next_index

    def share_picture(self) -> None:
        from channelwatch.api.federation import shared_picture
        from channelwatch.federation.bridge import track_picture_event

        now = datetime.now(UTC)
        event = track_picture_event(shared_picture(self.picture()), now)
        self.fr.app.state.services.ops.writer.submit_from_thread([event])

    def _loop(self) -> None:
        while not self.stop.is_set():
            if self.running.is_set():
                try:
                    self.share_picture()
                    self.sync()
                except BaseException as exc:  # reported by the test
                    self.errors.append(exc)
                    return
            self.stop.wait(1.0)


def _start(code: str, home: Path, keys: dict[str, Any]) -> Centre:
    import uvicorn
    from web_fixtures import _free_port  # type: ignore[import-not-found]

    from channelwatch.api.app import create_app
    from channelwatch.api.federation import FederationOptions, with_federation
    from channelwatch.api.settings import load_settings

    settings = load_settings({"db": str(home / "cw.db"), "tracker_process": False}, environ={})
    partner = PARTNER[code]
    # The own picture is shared by the pump here (FR's tracker has nothing of its own).
    options = FederationOptions(
        url="nats://unused",
        centre=code,
        partner_keys={partner: keys[partner]},
        picture_every_s=3600.0,
    )
    app = with_federation(create_app(settings), options, link=False)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="auto")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"serve-{code}", daemon=True)
    thread.start()
    return Centre(code, f"http://127.0.0.1:{port}", app, server, thread)


@pytest.fixture(scope="module")
def centres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Centre, Centre]]:
    from channelwatch.ledger import Ledger

    keys: dict[str, Any] = {}
    homes: dict[str, Path] = {}
    for code, origin in ORIGINS.items():
        homes[code] = tmp_path_factory.mktemp(code.lower())
        with Ledger.create(homes[code] / "cw.ledger.db", origin=origin) as ledger:
            keys[code] = ledger.public_key
    # Both start at once (each builds its services in a few seconds).
    fr, gb = (_start(code, homes[code], keys) for code in ("FR", "GB"))
    try:
        deadline = time.monotonic() + 180
        while not (fr.server.started and gb.server.started):
            for c in (fr, gb):
                if not c.thread.is_alive():
                    pytest.fail(f"the {c.code} server stopped while starting")
            if time.monotonic() > deadline:
                pytest.fail("the federated servers did not start in time")
            time.sleep(0.2)
        yield fr, gb
    finally:
        for c in (fr, gb):
            c.server.should_exit = True
        for c in (fr, gb):
            c.thread.join(timeout=30)


def _picture(case_id: str) -> Callable[[], list[dict[str, Any]]]:
    """FR's picture as its tracker would share it: the case's small boat and a ship."""

    def tracks() -> list[dict[str, Any]]:
        t = datetime.now(UTC).replace(microsecond=0)
        trail = [
            [(t - timedelta(seconds=10 * k)).isoformat(), BOAT_LAT - 0.0004 * k, BOAT_LON]
            for k in range(5, 0, -1)
        ]
        return [
            {
                "track_id": "T-12",
                "kind": "small_boat",
                "lat": BOAT_LAT,
                "lon": BOAT_LON,
                "sog_kn": 4.5,
                "cog_deg": 330.0,
                "position_sigma_m": 150.0,
                "last_update": t.isoformat(),
                "trail": trail,
                "confirmed": True,
                "persons_estimate": 45,
                "sar_region": "FR",
                "case_id": case_id,
            },
            {
                "track_id": "AIS-227000001",
                "kind": "ship",
                "lat": 50.93,
                "lon": 1.45,
                "sog_kn": 11.5,
                "cog_deg": 40.0,
                "last_update": t.isoformat(),
                "trail": [],
                "confirmed": True,
                "name": "MARIE CLAIRE",
                "mmsi": 227000001,
                "sar_region": "FR",
                "case_id": None,
            },
        ]

    return tracks


def _visible_ids(page: Any, selector: str) -> list[str]:
    found: list[str] = page.eval_on_selector_all(
        selector,
        "els => els.filter(e => e.offsetParent !== null).map(e => e.id || e.textContent.trim())",
    )
    return found


def test_a_partner_case_shows_its_origin_and_only_the_handover_buttons(
    centres: tuple[Centre, Centre], open_page_at: Any, screenshots: Path
) -> None:
    fr, gb = centres
    # CROSS Gris-Nez: a distress call, a case opened from its advice, a handover asked of Dover.
    now = datetime.now(UTC).replace(microsecond=0)
    call = {
        "kind": "call",
        "time": now.isoformat(),
        "lat": BOAT_LAT,
        "lon": BOAT_LON,
        "accuracy_m": 150.0,
        "persons_reported": 45,
        "water_coming_in": True,
        "call_id": "FED-CALL-1",
    }
    (advice,) = fr.post("/api/contacts", call, "gn-operator")["suggestions"]
    opened = fr.post(
        "/api/cases", {"advice_index": advice["advice_index"], "reason": "new boat"}, "gn-operator"
    )
    case_id = opened["case"]["case_id"]
    fr.post(
        f"/api/cases/{case_id}/handover/request",
        {"reason": "heading into the UK region", "to_centre": "GB"},
        "gn-operator",
    )
    ref = f"FR:{case_id}"
    pump = Pump(fr, gb, _picture(case_id))
    pump.share_picture()
    pump.sync()
    # What the link would report while it is connected (the pump stands in for it here).
    from channelwatch.federation.link import LinkStats

    gb.app.state.federation.link = type("LinkStandIn", (), {"stats": LinkStats(connected=True)})
    pump.thread.start()
    pump.running.set()
    try:
        s = open_page_at(gb.base_url, "dover-operator", "?renderer=canvas")
        page = s.page
        # The partner's track: origin badge in the list, suffix on the map label.
        boat = page.locator("#track-list li[data-track-id='FR:T-12']")
        boat.wait_for(timeout=30_000)
        assert boat.get_attribute("data-origin") == "FR"
        assert (boat.locator(".badge.origin").text_content() or "").strip().endswith("FR")
        assert boat.locator(".track-label").text_content() == "T-12"
        ship = page.locator("#track-list li[data-track-id='FR:AIS-227000001'] .badge.origin")
        assert ship.count() == 1
        labels = page.evaluate(
            "async () => { const m = await import('/js/tracks.js');"
            " return m.trackLabels(m.displayedTracks()).map((l) => l.text); }"
        )
        assert "T-12 [FR]" in labels and "MARIE CLAIRE [FR]" in labels, labels
        fed = page.locator("#fed")
        assert fed.is_visible() and fed.get_attribute("data-status") == "up"
        assert fed.text_content() == "Link to FR: connected"
        assert "CROSS Gris-Nez" in (fed.get_attribute("title") or "")

        # Selecting the partner's boat selects its case: origin badge, only the handover.
        boat.click()
        page.wait_for_selector("#case-origin", timeout=30_000)
        assert page.input_value("#case-select") == ref
        group = page.locator("#case-select optgroup", has=page.locator(f"option[value='{ref}']"))
        assert "CROSS Gris-Nez" in (group.get_attribute("label") or "")
        assert page.text_content("#case-origin") == "partner FR"
        assert "FR:T-12" in (page.text_content("#case-body") or "")  # its track, from the picture
        page.wait_for_selector("#handover-accept")
        commands = _visible_ids(page, "#case-body button, #case-actions button")
        assert sorted(commands) == ["handover-accept", "handover-reject"], commands
        for form in ("#task-form", "#outcome-form", "#close-form", "#reopen-form"):
            assert page.locator(form).is_hidden(), form
        # The page's own check of the health answer, on the three cases it can meet.
        statuses = page.evaluate(
            "async () => { const m = await import('/js/federation.js');"
            " const p = {FR: {received: 3}};"
            " return [m.federationStatus({status: 'ok'}),"
            " m.federationStatus({federation: {partners: p, link: null}}),"
            " m.federationStatus({federation: {partners: p,"
            " link: {connected: false, last_error: 'timeout'}}})]; }"
        )
        assert statuses[0] is None
        assert statuses[1]["status"] == "off" and "not running" in statuses[1]["text"]
        assert statuses[2]["status"] == "down" and "timeout" in statuses[2]["title"]
        page.screenshot(path=str(screenshots / "partner_case_gb.png"))

        # Accept while nothing moves between the centres: the page says where it went and waits.
        pump.running.clear()
        with pump.lock:
            page.keyboard.press("c")
            page.focus("#handover-accept")
            page.keyboard.press("Enter")
            page.wait_for_selector("#handover-waiting", timeout=30_000)
            result = page.text_content("#handover-result") or ""
            assert "sent to CROSS Gris-Nez" in result and "waiting" in result, result
            assert page.locator("#handover-accept").count() == 0  # not sent twice
            page.screenshot(path=str(screenshots / "partner_case_accept_waiting_gb.png"))
            assert fr.get(f"/api/cases/{case_id}", "gn-operator")["centre"] == "FR"
        # The link delivers: FR's book runs the acceptance, the case comes back coordinated by GB.
        pump.running.set()
        page.wait_for_selector("#case-coordination[data-centre=GB]", timeout=30_000)
        assert page.locator("#handover-waiting").count() == 0
        result = page.text_content("#handover-result") or ""
        assert "recorded the handover as accepted" in result, result
        assert fr.get(f"/api/cases/{case_id}", "gn-operator")["centre"] == "GB"
        # Still a partner's case: a request back to FR is the only command left.
        commands = _visible_ids(page, "#case-body button, #case-actions button")
        assert commands == ["handover-request"], commands
        page.screenshot(path=str(screenshots / "partner_case_accepted_gb.png"))
        # On the wall: the same panel in large type.
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.locator("#track-list").focus()
        page.keyboard.press("w")
        page.wait_for_selector("html.wall")
        page.evaluate("document.getElementById('case-origin').scrollIntoView({block: 'center'})")
        page.screenshot(path=str(screenshots / "partner_case_wall_gb.png"))
        assert not pump.errors, pump.errors
        assert not s.foreign and not s.errors, (s.foreign, s.errors)
    finally:
        pump.stop.set()
        pump.running.clear()
        with contextlib.suppress(RuntimeError):
            pump.thread.join(timeout=10)
