"""``channelwatch demo-operator``: a scripted stand-in for the watch officers of the main job.

It drives a running server through its public API exactly as the people on watch would through
the page, so that the first minutes of a replayed scenario show every part of the product: it
places each distress call (asking for the system's correlation advice first, and following it),
links the first case to the small-boat track nearest to its call, lets the UK centre accept the
handover the system raises when that boat crosses the SAR line, asks the doctrine about stopping
the boat and records the decision taken (as the case's centre), and runs a drift
prediction for the case. Every step is an ordinary request of an ordinary demo user, recorded in
the ledger with that user as the actor: nothing here bypasses the rules.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer

from channelwatch.cli.common import console, handle_errors, print_json
from channelwatch.errors import ChannelWatchError

DEMO_USERS = {
    "FR": ("gn-operator", "gn-operator-demo"),
    "GB": ("dover-operator", "dover-operator-demo"),
}


class DemoError(ChannelWatchError):
    """The server refused or did not answer a step of the demo."""


class Session:
    """One demo user's authenticated connection."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        import httpx

        self.http = httpx.Client(base_url=base_url, timeout=30.0)
        r = self.http.post("/api/auth/login", json={"username": username, "password": password})
        if r.status_code != 200:
            raise DemoError(f"login as {username} refused ({r.status_code}): {r.text[:200]}")
        self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        self.username = username

    def get(self, path: str, **params: Any) -> Any:
        r = self.http.get(path, params=params)
        if r.status_code != 200:
            raise DemoError(f"GET {path} ({r.status_code}): {r.text[:300]}")
        return r.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        r = self.http.post(path, json=body)
        if r.status_code >= 400:
            raise DemoError(f"POST {path} ({r.status_code}): {r.text[:300]}")
        return r.json() if r.content else None


@dataclass
class DemoState:
    calls_seen: set[str] = field(default_factory=set)
    case_of_call: dict[str, str] = field(default_factory=dict)
    first_case: str | None = None
    first_call: dict[str, Any] | None = None
    track_linked: str | None = None
    handover_accepted: bool = False
    decision_index: int | None = None
    drift_doc: str | None = None
    calls_after: str | None = None
    log: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.handover_accepted and self.decision_index is not None and bool(self.drift_doc)


def _report(call: dict[str, Any]) -> dict[str, Any]:
    return {
        "report_id": call["call_id"] or f"call-{call['id']}",
        "kind": "call",
        "time": call["time"],
        "lat": call["lat"],
        "lon": call["lon"],
        "accuracy_m": call["accuracy_m"],
        "persons": call.get("persons_reported"),
        "water_coming_in": call.get("water_coming_in"),
        "engine": call.get("engine"),
    }


def _wind_ms(scenario: Path | None) -> tuple[float, float]:
    """The scenario's wind as (east, north) m/s; calm when no scenario is given."""
    if scenario is None or not (scenario / "scenario.json").is_file():
        return 0.0, 0.0
    env = json.loads((scenario / "scenario.json").read_text())["environment"]
    to = math.radians(float(env["wind_from_deg"]) + 180.0)
    speed = float(env["wind_kn"]) * 1852.0 / 3600.0
    return round(speed * math.sin(to), 3), round(speed * math.cos(to), 3)


class DemoOperator:
    def __init__(self, base_url: str, scenario: Path | None) -> None:
        self.fr = Session(base_url, *DEMO_USERS["FR"])
        self.gb = Session(base_url, *DEMO_USERS["GB"])
        self.scenario = scenario
        self.state = DemoState()
        self._resume()

    def _resume(self) -> None:
        """Calls already placed (by an earlier run, or by a person on the page) are left as
        they are."""
        cases = self.fr.get("/api/cases", limit=1000)["items"]
        for case in sorted(cases, key=lambda c: c["opened_at"]):
            for rep in case.get("reports", []):
                rid = rep.get("report_id") if isinstance(rep, dict) else None
                if rid:
                    self.state.calls_seen.add(rid)
                    self.state.case_of_call[rid] = case["case_id"]
            if self.state.first_case is None and case.get("track_id"):
                self.state.track_linked = case["track_id"]
        if cases:
            self.say(f"{len(self.state.calls_seen)} calls already placed in {len(cases)} cases")

    def say(self, text: str) -> None:
        self.state.log.append(text)
        console.print(f"[dim]demo operator:[/] {text}", highlight=False)

    def step(self) -> None:
        self._place_calls()
        s = self.state
        if s.first_case and not s.track_linked:
            self._link_track()
        if s.first_case and not s.handover_accepted:
            self._accept_handover()
        if s.first_case and s.track_linked and s.decision_index is None:
            self._doctrine()
        if s.first_case and s.handover_accepted and not s.drift_doc:
            self._drift()

    def _place_calls(self) -> None:
        s = self.state
        params: dict[str, Any] = {"kind": "call", "limit": 1000}
        if s.calls_after:
            params["after"] = s.calls_after
        page = self.fr.get("/api/contacts", **params)
        for call in page["items"]:
            cid = call.get("call_id") or f"call-{call['id']}"
            if cid in s.calls_seen:
                if s.first_case is None and cid in s.case_of_call:
                    s.first_case, s.first_call = s.case_of_call[cid], call
                continue
            s.calls_seen.add(cid)
            report = _report(call)
            sug = self.fr.post("/api/cases/suggest", {"report": report})
            advice = sug.get("advice") or {}
            verdict = advice.get("verdict", "new")
            if verdict == "same" and advice.get("case_id"):
                case_id = advice["case_id"]
                self.fr.post(
                    f"/api/cases/{case_id}/reports",
                    {"report": report, "advice_index": sug["advice_index"]},
                )
                self.say(f"call {cid}: the system says the same boat as {case_id}; attached")
            else:
                res = self.fr.post(
                    "/api/cases", {"report": report, "advice_index": sug["advice_index"]}
                )
                case_id = res["case"]["case_id"]
                self.say(f"call {cid}: advice '{verdict}'; opened case {case_id}")
                if s.first_case is None:
                    s.first_case, s.first_call = case_id, call
            s.case_of_call[cid] = case_id
        if page.get("next"):
            s.calls_after = page["next"]

    def _link_track(self) -> None:
        s = self.state
        assert s.first_call is not None and s.first_case is not None
        tracks = self.fr.get("/api/tracks", kind="small_boat")["items"]
        lat, lon = s.first_call["lat"], s.first_call["lon"]
        best = None
        for t in tracks:
            d = math.hypot((t["lat"] - lat) * 111_195.0, (t["lon"] - lon) * 70_000.0)
            if d < 3000 and (best is None or d < best[0]):
                best = (d, t["track_id"])
        if best is None:
            return
        self.fr.post(f"/api/cases/{s.first_case}/track", {"track_id": best[1]})
        s.track_linked = best[1]
        self.say(f"case {s.first_case}: following track {best[1]} ({best[0]:.0f} m from the call)")

    def _accept_handover(self) -> None:
        s = self.state
        case = self.gb.get(f"/api/cases/{s.first_case}")
        if case.get("centre") == "GB":
            s.handover_accepted = True
            return
        for h in case.get("handovers", []):
            if h.get("status") == "pending" and h.get("to_centre") == "GB":
                self.say(
                    f"case {s.first_case}: handover requested by {h['requested_by']}: {h['reason']}"
                )
                self.gb.post(
                    f"/api/cases/{s.first_case}/handover/accept", {"request_id": h["request_id"]}
                )
                s.handover_accepted = True
                self.say(f"case {s.first_case}: accepted by HM Coastguard Dover")
                return

    def _doctrine(self) -> None:
        s = self.state
        assert s.first_call is not None
        c = s.first_call
        wind = _wind_ms(self.scenario)
        situation = {
            "time": c["time"],
            "position": {"lat": c["lat"], "lon": c["lon"]},
            "boat": {
                "kind": "inflatable",
                "length_m": 10,
                "persons_aboard": c.get("persons_reported"),
                "boarding": "loaded",
                "children_aboard": c.get("children_aboard"),
                "taking_water": c.get("water_coming_in"),
                "engine": c.get("engine") or "unknown",
                "lifejackets": "unknown",
            },
            "environment": {"wind_kn": round(math.hypot(*wind) * 3600 / 1852, 1)},
            "request_for_assistance": True,
            "action": "stop_before_boarding",
        }
        who = self.gb if s.handover_accepted else self.fr  # the case's centre staff
        out = who.post(
            "/api/doctrine/evaluate",
            {"situation": situation, "policy": "fr-2025-11-framework", "case_id": s.first_case},
        )
        verdicts = out["advice"]["verdicts"]
        v = verdicts.get("stop_before_boarding") or next(iter(verdicts.values()))
        self.say(
            f"doctrine ({v.get('policy')}) on stopping the boat of {s.first_case}: "
            f"{str(v.get('verdict')).upper()}, phase {v.get('distress_phase')}, required: "
            f"{', '.join(v.get('required_actions', [])) or 'nothing'}; "
            f"{len(v.get('reasons', []))} reasons, each with its citation"
        )
        dec = who.post(
            "/api/doctrine/decisions",
            {
                "advice_id": out["advice_id"],
                "action": "rescue",
                "note": "no interception of a loaded boat; rescue requested (demo)",
                "case_id": s.first_case,
            },
        )
        s.decision_index = dec["ledger_index"]
        self.say(f"decision 'rescue' recorded with its advice (ledger index {s.decision_index})")

    def _drift(self) -> None:
        s = self.state
        doc = self.gb.post(
            f"/api/cases/{s.first_case}/drift",
            {
                "hours": 6,
                "particles": 2000,
                "radius_m": 500,
                "seed": 1,
                "wind_ms": list(_wind_ms(self.scenario)),
                "current_ms": [0.0, 0.0],
            },
        )
        s.drift_doc = doc["doc_id"]
        stats = doc["summary"].get("stats", {})
        self.say(
            f"drift run {s.drift_doc} for {s.first_case}: 6 h ahead, centroid "
            f"{float(stats.get('centroid_lat', 'nan')):.4f}N "
            f"{float(stats.get('centroid_lon', 'nan')):.4f}E, "
            f"r90 {float(stats.get('r90_km', 'nan')):.1f} km"
        )


@handle_errors
def demo_operator_cmd(
    url: str = typer.Option("http://127.0.0.1:8000", "--url", help="The server to drive."),
    scenario: Path | None = typer.Option(
        None, "--scenario", help="The replayed scenario folder (for its wind)."
    ),
    timeout_s: float = typer.Option(600.0, "--timeout-s", help="Give up after this long."),
    json_out: bool = typer.Option(False, "--json", help="Print what was done as JSON."),
) -> None:
    """Act as the watch officers of a demonstration: place calls, follow the boat, accept the
    handover, ask the doctrine and record the decision, run a drift prediction."""
    deadline = time.monotonic() + timeout_s
    op = None
    while op is None:
        try:
            op = DemoOperator(url, scenario)
        except Exception as exc:  # the server may still be starting
            if time.monotonic() > deadline:
                raise DemoError(f"no server at {url}: {exc}") from exc
            time.sleep(1.0)
    while not op.state.done:
        if time.monotonic() > deadline:
            raise DemoError(f"demo not complete after {timeout_s:g} s: {op.state.log[-3:]}")
        op.step()
        time.sleep(0.5)
    s = op.state
    if json_out:
        print_json(
            {
                "case": s.first_case,
                "track": s.track_linked,
                "handover_accepted": s.handover_accepted,
                "decision_ledger_index": s.decision_index,
                "drift_doc": s.drift_doc,
                "calls": s.case_of_call,
                "log": s.log,
            }
        )
    else:
        console.print(f"demo complete: case {s.first_case}, track {s.track_linked}")


def register(app: typer.Typer) -> None:
    app.command("demo-operator")(demo_operator_cmd)
