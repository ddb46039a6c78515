"""The operations page in a real browser against a real ``channelwatch serve`` replaying a
simulated scenario (fixtures in web_fixtures.py). Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
pytest_plugins = ["web_fixtures"]

REGION_LAYERS = {
    "land",
    "territorial_sea",
    "sar",
    "tss",
    "boundaries",
    "stations",
    "beaches",
    "strip_200m",
    "strip_300m",
}


def _colours(png: bytes) -> set[tuple[int, int, int]]:
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB").resize((200, 120))
    counts = img.getcolors(maxcolors=200 * 120) or []
    return {(int(c[0]), int(c[1]), int(c[2])) for _, c in counts if isinstance(c, tuple)}


def _near(colours: set[tuple[int, int, int]], hex_colour: str, tol: int = 12) -> bool:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return any(abs(c[0] - r) + abs(c[1] - g) + abs(c[2] - b) <= tol for c in colours)


def _open_case_for_selected(page: Any) -> str:
    """Open a case for the selected boat (a new one if correlation suggests a known case)."""
    page.click("#case-open-for-track")
    page.wait_for_selector("#case-title, #case-open-result button", timeout=30_000)
    if page.locator("#case-open-result button").count():
        page.click("#case-open-result button:has-text('Open a new case anyway')")
    page.wait_for_selector("#case-title", timeout=30_000)
    case_id: str = page.input_value("#case-select")
    assert case_id, "no case selected after opening"
    return case_id


def _wait_until(fn: Callable[[], Any], timeout_s: float, what: str) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _select_small_boat(page: Any, sar_region: str = "", without_case: bool = False) -> str:
    """Click the first small boat of the track list (in that SAR region, without a case);
    returns its track id."""
    selector = "#track-list li.kind-small_boat"
    if sar_region:
        selector += f"[data-sar={sar_region}]"
    if without_case:
        selector += "[data-case='']"
    page.wait_for_selector(selector, timeout=60_000)
    item = page.locator(selector).first
    track_id: str = item.get_attribute("data-track-id")
    item.click()
    page.wait_for_selector(f"#track-list li[data-track-id='{track_id}'][aria-selected=true]")
    return track_id


def test_map_loads_offline_with_the_region_layers(
    open_page: Any, server: Any, screenshots: Path
) -> None:
    s = open_page("gn-operator")
    page = s.page
    assert page.get_attribute("body", "data-map") == "webgl", "MapLibre did not start (WebGL)"
    loaded = set((page.get_attribute("body", "data-layers") or "").split())
    assert loaded >= REGION_LAYERS, f"layers not loaded: {sorted(REGION_LAYERS - loaded)}"
    canvas = page.locator("#map canvas.maplibregl-canvas")
    assert canvas.count() == 1
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 300
    page.wait_for_selector("#track-list li", timeout=60_000)
    time.sleep(2)  # let the first pictures draw
    png = page.locator("#map").screenshot()
    (screenshots / "map_offline.png").write_bytes(png)
    page.screenshot(path=str(screenshots / "page_operator.png"))
    colours = _colours(png)
    # The map drew its own layers: sea and land in their style colours, and much more.
    assert _near(colours, "#0c2a3f"), "no sea colour on the map"
    assert _near(colours, "#3c4838"), "no land colour on the map"
    assert len(colours) > 200, "the map is nearly uniform: layers not drawn"
    # Nothing but this server was asked for anything, and the page raised no error.
    assert not s.foreign, f"requests to other hosts: {s.foreign}"
    assert s.hosts == {f"127.0.0.1:{server.port}"}
    assert not s.errors, s.errors


def test_tracks_move_during_the_replay_and_the_slider_shows_history(
    open_page: Any, screenshots: Path
) -> None:
    s = open_page("dover-operator")
    page = s.page
    page.wait_for_selector("#track-list li", timeout=60_000)

    def moving() -> dict[str, tuple[str, str]]:
        return dict(
            page.eval_on_selector_all(
                "#track-list li",
                "els => els"
                ".filter(e => parseFloat(e.querySelector('.track-speed').textContent) > 3)"
                ".map(e => [e.dataset.trackId, [e.dataset.lat, e.dataset.lon]])",
            )
        )

    first = _wait_until(moving, 60, "a track under way")
    clock0 = page.text_content("#clock-time")
    page.screenshot(path=str(screenshots / "tracks_t0.png"))

    def moved() -> list[str]:
        now = moving()
        return [k for k, v in first.items() if k in now and now[k] != v]

    ids = _wait_until(moved, 60, "a track to move")
    assert ids, "no track moved"
    _wait_until(lambda: page.text_content("#clock-time") != clock0, 10, "the replay clock")
    page.screenshot(path=str(screenshots / "tracks_t1.png"))
    # Scrub back to the start of what the page has seen: the map shows history, L returns.
    page.focus("#time-slider")
    page.keyboard.press("Home")
    page.wait_for_selector("#map-message:not([hidden])")
    assert "history" in (page.text_content("#time-view") or "")
    page.screenshot(path=str(screenshots / "replay_history.png"))
    page.locator("#track-list").focus()
    page.keyboard.press("l")
    _wait_until(lambda: page.text_content("#time-view") == "live", 10, "back to live")
    assert not s.foreign and not s.errors


def test_keyboard_selects_and_clears_a_track(open_page: Any, screenshots: Path) -> None:
    s = open_page("gn-operator")
    page = s.page
    page.wait_for_selector("#track-list li", timeout=60_000)
    page.keyboard.press("t")
    assert page.evaluate("document.activeElement.id") == "track-list"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    selected = page.locator("#track-list li[aria-selected=true]")
    assert selected.count() == 1
    track_id = selected.get_attribute("data-track-id")
    assert track_id and track_id in (page.text_content("#track-detail") or "")
    page.keyboard.press("Escape")
    page.wait_for_selector("#track-list li[aria-selected=true]", state="detached")
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    assert "Wall display" in (page.text_content("#help") or "")
    page.screenshot(path=str(screenshots / "help_overlay.png"))
    page.keyboard.press("Escape")
    assert not page.locator("#help").is_visible()
    # High contrast restyles the page and the map's layers in place.
    page.keyboard.press("k")
    assert "contrast" in (page.get_attribute("html", "class") or "")
    assert page.get_attribute("#btn-contrast", "aria-pressed") == "true"
    time.sleep(1.5)
    page.screenshot(path=str(screenshots / "high_contrast.png"))
    page.keyboard.press("k")
    assert not s.errors


def test_case_opened_and_handed_over_between_centres(open_page: Any, screenshots: Path) -> None:
    fr = open_page("gn-operator")
    page = fr.page
    # A boat in the French region: the case starts with CROSS Gris-Nez (the demo scenario has
    # boats off Wimereux and Le Portel).
    track_id = _select_small_boat(page, "FR", without_case=True)
    case_id = _open_case_for_selected(page)
    assert page.get_attribute("#case-coordination", "data-centre") == "FR"
    assert track_id in (page.text_content("#case-body") or "")
    page.fill("#handover-reason", "boat heading for the UK region")
    page.click("#handover-request")
    page.wait_for_selector("#pending-handover", timeout=30_000)
    # The requesting centre cannot accept its own request.
    assert page.locator("#handover-accept").count() == 0
    page.screenshot(path=str(screenshots / "case_handover_requested_fr.png"))

    # The receiving centre's page uses the 2D map: the case panel is under test here, and
    # software WebGL on two pages at once slows the whole test down.
    gb = open_page("dover-operator", query="?renderer=canvas")
    other = gb.page
    other.wait_for_selector(f"#case-select option[value='{case_id}']", state="attached")
    other.select_option("#case-select", case_id)
    other.wait_for_selector("#handover-accept", timeout=30_000)
    other.click("#handover-accept")
    other.wait_for_selector("#case-coordination[data-centre=GB]", timeout=30_000)
    other.wait_for_selector("#case-timeline li", timeout=30_000)
    timeline = other.text_content("#case-timeline") or ""
    assert re.search(r"handover", timeline, re.I), timeline
    other.screenshot(path=str(screenshots / "case_handover_accepted_gb.png"))

    # The French page sees the move on the live stream, without reloading.
    page.wait_for_selector("#case-coordination[data-centre=GB]", timeout=30_000)
    assert "accepted" in (page.text_content("#case-coordination") or "")
    page.screenshot(path=str(screenshots / "case_after_handover_fr.png"))
    assert not fr.foreign and not gb.foreign
    assert not fr.errors and not gb.errors


def test_doctrine_verdict_shows_reasons_with_citations(open_page: Any, screenshots: Path) -> None:
    s = open_page("fr-police")
    page = s.page
    _select_small_boat(page)
    page.keyboard.press("d")
    page.wait_for_selector("#panel-doctrine:not([hidden])")
    page.wait_for_selector(
        "#doctrine-policy option[value='fr-2025-11-framework']", state="attached"
    )
    page.select_option("#doctrine-policy", "fr-2025-11-framework")
    page.select_option("#doctrine-action", "stop_before_boarding")
    page.select_option("#doctrine-boarding", "loaded")
    page.fill("#doctrine-persons", "40")
    page.click("#doctrine-evaluate")
    page.wait_for_selector("#verdict-reasons li", timeout=60_000)
    # Passengers aboard: safety of life forbids stopping the boat, whatever the policy says.
    assert page.text_content("#verdict-word") == "PROHIBITED"
    reasons = page.locator("#verdict-reasons li")
    assert reasons.count() >= 1
    citations = page.locator("#verdict-reasons li cite.citation").all_text_contents()
    assert len(citations) == reasons.count(), "a reason without its citation"
    assert all(c.strip() for c in citations)
    assert any("656/2014" in c or "UNCLOS" in c or "MSC/Circ.896" in c for c in citations)
    page.screenshot(path=str(screenshots / "doctrine_verdict.png"))
    page.locator("#verdict-reasons li").first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "doctrine_reasons.png"))
    # The decision taken is recorded with the advice shown (rescue: what safety of life asks).
    page.select_option("#decision-action", "rescue")
    page.fill("#decision-note", "SNSM tasked")
    page.click("#decision-record")
    page.wait_for_selector("#decision-result.ok, #decision-result.warn", timeout=30_000)
    result = page.text_content("#decision-result") or ""
    assert re.search(r"ledger #\d+", result), result
    assert "AGAINST" not in result
    page.locator("#decision-result").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "doctrine_decision.png"))
    assert not s.foreign and not s.errors


def test_canvas_fallback_draws_the_same_picture(open_page: Any, screenshots: Path) -> None:
    s = open_page("auditor", query="?renderer=canvas", viewport={"width": 1366, "height": 768})
    page = s.page
    assert page.get_attribute("body", "data-map") == "canvas"
    page.wait_for_selector("#track-list li", timeout=60_000)
    time.sleep(1.5)
    png = page.locator("#map").screenshot()
    page.screenshot(path=str(screenshots / "fallback_canvas_laptop.png"))
    colours = _colours(png)
    assert _near(colours, "#3c4838") and _near(colours, "#0c2a3f")
    # An auditor reads; the page offers no case command.
    assert page.locator("#case-open-for-track").is_disabled()
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.locator("#track-list").focus()
    page.keyboard.press("w")
    assert "wall" in (page.get_attribute("html", "class") or "")
    time.sleep(1)
    page.screenshot(path=str(screenshots / "fallback_canvas_wall.png"))
    assert not s.foreign and not s.errors


def test_drift_and_search_plan_overlays_for_a_case(open_page: Any, screenshots: Path) -> None:
    s = open_page("gn-supervisor")
    page = s.page
    _select_small_boat(page, without_case=True)
    case_id = _open_case_for_selected(page)
    page.keyboard.press("s")
    page.wait_for_selector("#panel-overlays:not([hidden])")
    assert case_id in (page.text_content("#overlay-case") or "")
    # A constant wind and current (no forcing files on this server): the cloud must move.
    page.fill("#drift-hours", "3")
    page.fill("#drift-particles", "1000")
    page.fill("#drift-wind-u", "6")
    page.fill("#drift-wind-v", "4")
    page.fill("#drift-cur-u", "0.4")
    page.fill("#drift-cur-v", "0.2")
    page.click("#drift-run")
    page.wait_for_selector(".overlay-drift", timeout=120_000)
    drift = page.text_content(".overlay-drift") or ""
    assert "1000" in drift and "ledger #" in drift, drift
    page.screenshot(path=str(screenshots / "drift_overlay.png"))
    page.click("#search-run")
    page.wait_for_selector(".overlay-search", timeout=120_000)
    assert "ledger #" in (page.text_content(".overlay-search") or "")
    # Both documents are listed with the case, and the map kept both overlays.
    page.wait_for_selector("#overlay-docs li:nth-child(2)", timeout=30_000)
    page.screenshot(path=str(screenshots / "search_plan_overlay.png"))
    assert not s.foreign and not s.errors
