"""The API end to end, in process: auth, contacts, calls and cases, roles, the record."""

from __future__ import annotations

import time
from typing import Any

from channelwatch.ledger.proofs import verify_inclusion

T = "2025-11-27T01:30:00+00:00"


def contact(**over: Any) -> dict[str, Any]:
    body = {
        "kind": "contact",
        "time": T,
        "lat": 51.0,
        "lon": 1.6,
        "sensor": "aerial",
        "sensor_id": "aircraft-1",
        "sigma_m": 50.0,
        "persons_estimate": 40,
        "description": "grey inflatable",
    }
    body.update(over)
    return body


def call(call_id: str, lat: float = 50.95, lon: float = 1.55, **over: Any) -> dict[str, Any]:
    body = {
        "kind": "call",
        "time": T,
        "lat": lat,
        "lon": lon,
        "accuracy_m": 100.0,
        "persons_reported": 45,
        "water_coming_in": True,
        "call_id": call_id,
        "note": "caller says baby aboard",
    }
    body.update(over)
    return body


def test_health_needs_no_token_but_everything_else_does(api: Any) -> None:
    r = api.client.get("/api/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert r.json()["store"] in ("sqlite", "postgres")
    for path in ("/api/tracks", "/api/cases", "/api/clock", "/api/contacts"):
        r = api.client.get(path)
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"] == "Bearer"
    r = api.client.get("/api/tracks", headers={"Authorization": "Bearer cw1.abc.def"})
    assert r.status_code == 401


def test_login_refuses_a_wrong_password_and_names_the_user(api: Any) -> None:
    r = api.client.post("/api/auth/login", json={"username": "gn-operator", "password": "nope"})
    assert r.status_code == 401
    r = api.client.post("/api/auth/login", json={"username": "ghost", "password": "x"})
    assert r.status_code == 401
    me = api.get("/api/auth/me", "dover-supervisor").json()
    assert me == {
        "username": "dover-supervisor",
        "role": "supervisor",
        "centre": "GB",
        "display_name": "HM Coastguard Dover supervisor (demo)",
    }


def test_logout_revokes_the_token(api: Any) -> None:
    r = api.client.post("/api/auth/login", json={"username": "auditor", "password": "auditor-demo"})
    h = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert api.client.get("/api/auth/me", headers=h).status_code == 200
    assert api.client.post("/api/auth/logout", headers=h).status_code == 204
    assert api.client.get("/api/auth/me", headers=h).status_code == 401


def test_a_contact_is_recorded_first_with_its_actor(api: Any) -> None:
    before = api.services.ledger.size
    r = api.post("/api/contacts", contact(report_id="air-1"))
    assert r.status_code == 202, r.text
    out = r.json()
    assert out["accepted"] == 1 and out["ledger_indices"] == [before]
    entry = api.services.ledger.entry(before)
    assert entry.type == "observation.contact"
    assert entry.actor == "FR/gn-operator"
    assert entry.payload["report_id"] == "air-1"
    page = api.get("/api/contacts", params={"limit": 1000}).json()
    assert any(c["ledger_index"] == before for c in page["items"])


def test_bad_records_are_refused_and_named(api: Any) -> None:
    r = api.post("/api/contacts", contact(lat=95.0))
    assert r.status_code == 422
    r = api.post("/api/contacts", contact(phone="+33 6 00 00 00 00"))
    assert r.status_code == 422  # unknown fields cannot smuggle personal data in
    r = api.post("/api/contacts", contact(time="2025-11-27T01:30:00"))
    assert r.status_code == 422  # a time without an offset
    good, bad = contact(report_id="b-1"), contact(sigma_m=-1)
    r = api.post("/api/contacts/batch", {"records": [good, bad, good | {"report_id": "b-2"}]})
    assert r.status_code == 202
    out = r.json()
    assert out["accepted"] == 2
    assert [(x["record"], x["field"]) for x in out["rejected"]] == [(2, "sigma_m")]


def test_roles_that_may_not_post(api: Any) -> None:
    for user in ("partner-be", "auditor"):
        r = api.post("/api/contacts", contact(), user=user)
        assert r.status_code == 403, user
    assert (
        api.post("/api/contacts", contact(report_id="pol-1"), user="fr-police").status_code == 202
    )


def test_call_suggestion_then_operator_opens_the_case_with_that_advice(api: Any) -> None:
    r = api.post("/api/contacts", call("CALL-A"))
    assert r.status_code == 202
    s = r.json()["suggestions"][0]
    assert s["call_id"] == "CALL-A" and s["advice"]["verdict"] in ("new", "possible", "same")
    advice_index = s["advice_index"]
    assert api.services.ledger.entry(advice_index).type == "correlation_suggested"
    r = api.post("/api/cases", {"advice_index": advice_index, "reason": "new boat"})
    assert r.status_code == 201, r.text
    case = r.json()["case"]
    assert case["centre"] == "FR" and case["reports"][0]["report_id"] == "CALL-A"
    opened = [api.services.ledger.entry(i) for i in r.json()["ledger_indices"]]
    assert opened[0].type == "case_opened"
    assert opened[0].payload["advice"]["advice_index"] == advice_index  # the decision names it
    assert opened[0].actor == "FR/gn-operator"
    kinds = {a["kind"] for a in api.get("/api/alerts", params={"limit": 1000}).json()["items"]}
    assert "distress_call" in kinds


def _open_case(api: Any, call_id: str, lat: float, lon: float, user: str = "gn-operator") -> str:
    r = api.post("/api/contacts", call(call_id, lat, lon), user=user)
    s = r.json()["suggestions"][0]
    r = api.post("/api/cases", {"advice_index": s["advice_index"]}, user=user)
    assert r.status_code == 201, r.text
    return str(r.json()["case"]["case_id"])


def test_handover_waits_for_the_receiving_centre(api: Any) -> None:
    case_id = _open_case(api, "CALL-H", 50.95, 1.55)
    # a later report from the GB side of the line: the system asks, nothing moves
    report = {
        "report_id": "SIGHT-H",
        "kind": "sighting",
        "time": "2025-11-27T02:30:00+00:00",
        "lat": 51.12,
        "lon": 1.45,
        "accuracy_m": 200,
        "persons": 45,
    }
    r = api.post(f"/api/cases/{case_id}/reports", {"report": report})
    assert r.status_code == 200, r.text
    case = r.json()["case"]
    assert case["centre"] == "FR" and case["pending_handover"] is not None
    r = api.post(f"/api/cases/{case_id}/handover/accept", {}, user="gn-operator")
    assert r.status_code in (403, 409)  # FR cannot accept its own request
    assert api.get(f"/api/cases/{case_id}").json()["centre"] == "FR"
    r = api.post(f"/api/cases/{case_id}/handover/accept", {}, user="dover-operator")
    assert r.status_code == 200, r.text
    assert r.json()["case"]["centre"] == "GB"
    alerts = api.get("/api/alerts", params={"kind": "handover_requested"}).json()["items"]
    assert any(a["case_id"] == case_id and a["centre"] == "GB" for a in alerts)


def test_close_is_refused_until_every_person_is_accounted_for(api: Any) -> None:
    case_id = _open_case(api, "CALL-C", 50.9, 1.5)
    r = api.post(f"/api/cases/{case_id}/close", {"reason": "done"})
    assert r.status_code == 409
    assert "accounted" in r.json()["detail"] or "persons" in r.json()["detail"]
    refusals = api.get(f"/api/cases/{case_id}/events").json()["items"]
    assert refusals[-1]["type"] == "command_refused"  # the refusal itself is on record
    r = api.post(
        f"/api/cases/{case_id}/outcomes",
        {
            "kind": "rescued",
            "count": 45,
            "source": "SNSM Calais",
            "evidence_ref": "SNSM-42",
            "by": "SNSM Calais",
        },
    )
    assert r.status_code == 200, r.text
    r = api.post(
        f"/api/cases/{case_id}/close", {"reason": "all rescued", "evidence_refs": ["SNSM-42"]}
    )
    assert r.status_code == 200, r.text
    assert r.json()["case"]["status"] == "closed"
    assert api.post(f"/api/cases/{case_id}/suspend", {"reason": "x"}).status_code == 403


def test_partner_sees_the_shared_picture_without_internal_notes(api: Any) -> None:
    case_id = _open_case(api, "CALL-P", 50.92, 1.52)
    r = api.post(f"/api/cases/{case_id}/notes", {"text": "crew of cutter says engine smoke"})
    assert r.status_code == 201
    mine = api.get(f"/api/cases/{case_id}").json()
    assert mine["notes"][0]["text"].startswith("crew of cutter")
    theirs = api.get(f"/api/cases/{case_id}", user="partner-be").json()
    assert "notes" not in theirs and "opened_by" not in theirs
    assert theirs["case_id"] == case_id and theirs["centre"] == mine["centre"]
    assert api.get(f"/api/cases/{case_id}/events", user="partner-be").status_code == 403
    calls = api.get("/api/contacts", user="partner-be", params={"kind": "call"}).json()
    assert calls["items"] and all("note" not in c for c in calls["items"])
    assert (
        api.post(f"/api/cases/{case_id}/notes", {"text": "x"}, user="partner-be").status_code == 403
    )


def test_advice_then_a_separate_decision_naming_it(api: Any) -> None:
    situation = {
        "time": "2025-11-27T11:00:00Z",
        "position": {"lat": 51.009, "lon": 2.104},
        "boat": {
            "kind": "inflatable",
            "length_m": 9,
            "persons_aboard": 40,
            "boarding": "loaded",
            "engine": "running",
            "lifejackets": "some",
        },
        "environment": {"wind_kn": 8, "wave_m": 0.3, "water_temp_c": 11},
        "request_for_assistance": False,
        "action": "stop_before_boarding",
    }
    r = api.post(
        "/api/doctrine/evaluate",
        {"situation": situation, "policy": "fr-2025-11-framework"},
        user="fr-police",
    )
    assert r.status_code == 200, r.text
    out = r.json()
    verdict = out["advice"]["verdicts"]["stop_before_boarding"]["verdict"]
    assert verdict == "prohibited"  # passengers aboard: no coercion
    shown = api.services.ledger.entry(out["advice_id"])
    assert shown.type == "advice_shown" and shown.actor == "FR/fr-police"
    r = api.post(
        "/api/doctrine/decisions",
        {"advice_id": out["advice_id"], "action": "stop_before_boarding"},
        user="fr-police",
    )
    assert r.status_code == 200
    decision = r.json()["decision"]
    assert decision["against_advice"] is True and decision["advice_id"] == out["advice_id"]
    required = out["advice"]["verdicts"]["stop_before_boarding"]["required_actions"]
    follow = required[0] if required else "monitor"
    r = api.post(
        "/api/doctrine/decisions",
        {"advice_id": out["advice_id"], "action": follow},
        user="fr-police",
    )
    assert r.json()["decision"]["against_advice"] is False
    # a decision must name advice: any other entry is refused
    r = api.post("/api/doctrine/decisions", {"advice_id": 0, "action": "escort"}, user="fr-police")
    assert r.status_code == 409
    assert (
        api.post("/api/doctrine/evaluate", {"situation": situation}, user="partner-be").status_code
        == 403
    )
    r = api.post("/api/doctrine/evaluate", {"situation": {"time": "x"}}, user="fr-police")
    assert r.status_code == 422


def test_ledger_proofs_for_auditors_only(api: Any) -> None:
    assert api.get("/api/ledger/checkpoint", user="gn-operator").status_code == 403
    cp = api.get("/api/ledger/checkpoint", user="auditor").json()
    assert cp["size"] >= 1
    proof = api.get(
        "/api/ledger/proofs/inclusion", user="auditor", params={"index": 0, "size": cp["size"]}
    ).json()
    assert verify_inclusion(
        proof["index"],
        proof["tree_size"],
        bytes.fromhex(proof["leaf_hash"]),
        [bytes.fromhex(p) for p in proof["path"]],
        bytes.fromhex(proof["root"]),
    )
    assert proof["root"] == cp["root"] or proof["tree_size"] != cp["size"]
    r = api.get("/api/ledger/entries/999999", user="auditor")
    assert r.status_code == 404
    page = api.get("/api/ledger/entries", user="auditor", params={"start": 0, "limit": 2}).json()
    assert [e["index"] for e in page["items"]] == [0, 1]


def test_body_limit_and_region_layers(api: Any) -> None:
    big = {"records": [contact(description="x" * 400)] * 1000}  # well over 1 MB? no: ~0.5 MB
    big["records"] = big["records"] * 3
    r = api.client.post("/api/contacts/batch", json=big, headers=api.h("gn-operator"))
    assert r.status_code == 413
    info = api.get("/api/region").json()
    names = {layer["name"] for layer in info["layers"]}
    assert {"land", "sar", "beaches", "stations", "strip_300m"} <= names
    r = api.get("/api/region/layers/beaches")
    assert r.status_code == 200 and r.json()["type"] == "FeatureCollection"
    r2 = api.client.get(
        "/api/region/layers/beaches",
        headers={**api.h("gn-operator"), "If-None-Match": r.headers["etag"]},
    )
    assert r2.status_code == 304
    strip = api.get("/api/region/layers/strip_300m").json()
    assert {f["properties"]["country"] for f in strip["features"]} == {"FR", "BE"}
    assert api.get("/api/region/layers/nope").status_code == 404


def test_the_picture_tracks_radar_sweeps_and_flags_a_small_boat(api: Any) -> None:
    # a radar sees a slow boat heading north-west for 12 sweeps, 3 s apart
    from datetime import UTC, datetime, timedelta

    t0 = datetime.now(UTC) - timedelta(seconds=36)  # live mode: the picture runs on wall time
    for k in range(12):
        t = (t0 + timedelta(seconds=3 * k)).isoformat()
        sweep = [
            contact(
                kind="contact",
                sensor="radar",
                sensor_id="radar-test",
                sigma_m=20.0,
                time=t,
                lat=50.90 + k * 0.00004,
                lon=1.50 - k * 0.00004,
                persons_estimate=None,
                description=None,
            )
        ]
        assert api.post("/api/contacts/batch", {"records": sweep}).status_code == 202
    deadline = time.monotonic() + 15
    boats: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not boats:
        time.sleep(0.3)
        items = api.get("/api/tracks").json()["items"]
        boats = [t for t in items if "radar" in t["sensors"]]
    assert boats, "no track from the radar sweeps"
    assert boats[0]["sar_region"] == "FR"
    assert api.get(f"/api/tracks/{boats[0]['track_id']}").status_code == 200
