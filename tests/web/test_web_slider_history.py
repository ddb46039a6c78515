"""The replay slider before the page's own history: the page asks the server for the picture
at that time (``GET /api/tracks?at=``) and draws exactly that; back to live after."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
pytest_plugins = ["web_fixtures"]

# Fast enough that the scenario is well past the page's own reach (its tracks' trails at first
# sight, a few minutes) within seconds of wall time.
SPEED = 40.0
OPEN_AFTER = timedelta(minutes=12)  # scenario time the server runs before the page opens


def _wait_until(fn: Callable[[], Any], timeout_s: float, what: str) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def fast_server(scenario_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    # imported here, not at the top: pytest loads (and rewrites) the plugin module first
    from web_fixtures import serve_replay  # type: ignore[import-not-found]

    with serve_replay(scenario_dir, tmp_path_factory.mktemp("fast_server"), SPEED) as srv:
        yield srv


def _drawn(page: Any) -> dict[str, list[float]]:
    """The track symbols the 2D map is drawing: id -> [lon, lat]."""
    got: list[list[Any]] = page.evaluate(
        "window.channelwatch.view.tracks.features"
        ".map(f => [f.properties.track_id, f.geometry.coordinates])"
    )
    return {k: v for k, v in got}


def test_slider_before_page_load_draws_the_servers_picture(
    fast_server: Any, open_page_at: Callable[..., Any], screenshots: Path
) -> None:
    token = fast_server.login("dover-operator")
    clock = fast_server.get("/api/clock", token)
    start = datetime.fromisoformat(clock["start"])
    _wait_until(
        lambda: (
            datetime.fromisoformat(fast_server.get("/api/clock", token)["time"])
            > start + OPEN_AFTER
        ),
        60,
        "the replay to run on",
    )
    s = open_page_at(fast_server.base_url, "dover-operator", "?renderer=canvas")
    page = s.page
    page.wait_for_selector("#track-list li", timeout=60_000)
    # Keyboard only: Home goes to the slider's start (the replay's), PageUp a tenth further.
    page.focus("#time-slider")
    page.keyboard.press("Home")
    page.keyboard.press("PageUp")
    at_ms = int(page.input_value("#time-slider"))
    page.wait_for_selector("#map-message:not([hidden])")
    assert "from the server" in (page.text_content("#map-message") or "")
    _wait_until(
        lambda: page.evaluate("window.channelwatch.state.pastPicture?.timeMs") == at_ms,
        20,
        "the server's picture",
    )
    at = datetime.fromtimestamp(at_ms / 1000, start.tzinfo)
    assert at < start + OPEN_AFTER
    query = urllib.parse.urlencode({"at": at.isoformat(), "max_age_s": 120})
    want = fast_server.get(f"/api/tracks?{query}", token)["items"]
    assert want, f"the server has no picture at {at.isoformat()}"
    page.wait_for_timeout(300)  # one animation frame for the redraw
    assert _drawn(page) == {t["track_id"]: [t["lon"], t["lat"]] for t in want}
    trails = page.evaluate("window.channelwatch.view.trails.features.length")
    assert trails == sum(1 for t in want if len(t["trail"]) > 1)
    page.screenshot(path=str(screenshots / "slider_server_history.png"))
    # End returns to live: the live picture is drawn again, the banner goes
    page.keyboard.press("End")
    _wait_until(lambda: page.text_content("#time-view") == "live", 10, "back to live")
    live = page.evaluate("[...window.channelwatch.state.tracks.keys()].sort()")
    _wait_until(lambda: sorted(_drawn(page)) == live, 10, "the live picture drawn")
    assert page.locator("#map-message").is_hidden()
    assert not s.foreign and not s.errors
