"""A page opened after a distress call came in still offers the call with its suggested case
(``GET /api/suggestions``), against the real ``channelwatch serve`` replay of web_fixtures.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
pytest_plugins = ["web_fixtures"]

# West of Boulogne, out of the demo scenario's crossing routes (Wimereux / Le Portel to Kent):
# no case of the other tests is near, so the second call's suggestion is the first call's case.
LAT, LON = 50.70, 1.20


def _call(call_id: str, time: datetime, lat: float, lon: float, persons: int) -> dict[str, Any]:
    return {
        "kind": "call",
        "time": time.isoformat(),
        "lat": lat,
        "lon": lon,
        "accuracy_m": 150.0,
        "persons_reported": persons,
        "engine": "failed",
        "water_coming_in": True,
        "call_id": call_id,
    }


def test_a_page_opened_after_a_call_offers_its_suggested_case(
    server: Any, open_page: Any, screenshots: Path
) -> None:
    token = server.login("gn-operator")
    now = datetime.fromisoformat(server.get("/api/clock", token)["time"])
    # Two calls just before the page opens (picture time), from the same place.
    earlier = now - timedelta(minutes=3)
    first = server.post("/api/contacts", _call("WEB-CALL-1", earlier, LAT, LON, 45), token)
    (s1,) = first["suggestions"]
    opened = server.post(
        "/api/cases", {"advice_index": s1["advice_index"], "reason": "new boat"}, token
    )
    case_id = opened["case"]["case_id"]
    later = now - timedelta(minutes=1)
    second = server.post(
        "/api/contacts", _call("WEB-CALL-2", later, LAT + 0.001, LON + 0.001, 47), token
    )
    (s2,) = second["suggestions"]
    assert s2["advice"]["case_id"] == case_id, s2["advice"]  # the server's advice (precondition)

    # The page is opened after both calls: the second is still to place, with its case offered.
    s = open_page("gn-operator", query="?renderer=canvas")
    page = s.page
    item = page.locator("#case-calls li[data-call-id='WEB-CALL-2']")
    item.wait_for(timeout=30_000)
    assert page.locator("#case-calls li[data-call-id='WEB-CALL-1']").count() == 0  # placed
    text = item.text_content() or ""
    assert "47 persons" in text and case_id in text, text  # the report and advice, from the API
    attach = item.locator(f"button:has-text('Attach to {case_id}')")
    assert attach.count() == 1
    assert page.locator("#fed").is_hidden()  # no federation on this server: nothing said
    item.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "call_suggestion_on_connect.png"))

    # The operator follows the advice: the call joins the case with the report the server made.
    attach.focus()
    page.keyboard.press("Enter")
    item.wait_for(state="detached", timeout=30_000)
    assert page.input_value("#case-select") == case_id
    case = server.get(f"/api/cases/{case_id}", token)
    reports = {r["report_id"]: r for r in case["reports"]}
    assert reports["WEB-CALL-2"]["persons"] == 47
    pending = server.get("/api/suggestions", token)["items"]
    assert all(x["call_id"] != "WEB-CALL-2" for x in pending)

    # A partner's page gets a 403 for the advice and says nothing about it.
    other = open_page("partner-be", query="?renderer=canvas")
    other.page.wait_for_timeout(1000)
    assert other.page.locator("#toasts .toast").count() == 0, other.page.text_content("#toasts")
    assert not s.foreign and not s.errors and not other.foreign and not other.errors
