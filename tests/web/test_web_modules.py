"""Properties of the page's own modules, run in chromium (the code under test is JavaScript).

A tiny static file server on 127.0.0.1 serves ``channelwatch/web/static`` so the ES modules can
be imported; no API is needed. Hypothesis draws the inputs in Python and checks the answers
against an independent computation (a parser for the displayed positions, shapely for the
point-in-polygon test on the real traffic-lane polygons).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channelwatch.web import STATIC_DIR

pytestmark = pytest.mark.browser
pytest_plugins = ["web_fixtures"]

PACK = Path(__file__).resolve().parents[2] / "src/channelwatch/region/packs/dover_strait"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def modules_page(browser: Any) -> Iterator[Any]:
    handler = functools.partial(_Quiet, directory=str(STATIC_DIR))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/js/format.js")
    page.evaluate(
        """async () => {
          window.fmt = await import('/js/format.js');
          window.geo = await import('/js/geometry.js');
        }"""
    )
    yield page
    ctx.close()
    httpd.shutdown()


_DDM = re.compile(r"^(\d{2})°(\d{2}\.\d{2})′([NS]) (\d{3})°(\d{2}\.\d{2})′([EW])$")


def _parse_ddm(text: str) -> tuple[float, float]:
    m = _DDM.match(text)
    assert m, f"not degrees and decimal minutes: {text!r}"
    lat = int(m[1]) + float(m[2]) / 60
    lon = int(m[4]) + float(m[5]) / 60
    return (lat if m[3] == "N" else -lat, lon if m[6] == "E" else -lon)


# The page is module-scoped: reused across examples on purpose (it holds no state).
_BASE = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@settings(_BASE, max_examples=60)
@given(
    lat=st.floats(min_value=-89.999, max_value=89.999, allow_nan=False),
    lon=st.floats(min_value=-179.999, max_value=179.999, allow_nan=False),
)
def test_displayed_positions_read_back_within_the_shown_precision(
    modules_page: Any, lat: float, lon: float
) -> None:
    text = modules_page.evaluate("([a, b]) => fmt.fmtLatLon(a, b)", [lat, lon])
    back_lat, back_lon = _parse_ddm(text)
    # Minutes are shown to 0.01' (about 18 m): the reading is within half of that.
    tol = 0.005 / 60 + 1e-9
    assert abs(back_lat - lat) <= tol
    assert abs(back_lon - lon) <= tol
    minutes = [float(x) for x in re.findall(r"°(\d{2}\.\d{2})′", text)]
    assert all(0 <= m < 60 for m in minutes)


def _lanes() -> list[dict[str, Any]]:
    tss = json.loads((PACK / "tss.geojson").read_text("utf-8"))
    return [f for f in tss["features"] if f["geometry"]["type"] == "Polygon"]


@settings(_BASE, max_examples=40)
@given(data=st.data())
def test_point_in_polygon_agrees_with_shapely_on_the_traffic_scheme(
    modules_page: Any, data: st.DataObject
) -> None:
    from shapely.geometry import Point, shape

    lanes = _lanes()
    feature = data.draw(st.sampled_from(lanes))
    poly = shape(feature["geometry"])
    x0, y0, x1, y1 = poly.bounds
    points = data.draw(
        st.lists(
            st.tuples(st.floats(x0, x1, allow_nan=False), st.floats(y0, y1, allow_nan=False)),
            min_size=20,
            max_size=20,
        )
    )
    # Points exactly on an edge may go either way; keep those clearly inside or outside.
    points = [p for p in points if poly.exterior.distance(Point(p)) > 1e-7]
    got = modules_page.evaluate(
        "([pts, rings]) => pts.map(([x, y]) => geo.pointInPolygon(x, y, rings))",
        [points, feature["geometry"]["coordinates"]],
    )
    assert got == [poly.contains(Point(p)) for p in points]


def test_lane_arrows_lie_inside_their_lane_and_follow_its_direction(modules_page: Any) -> None:
    from shapely.geometry import Point, shape

    tss = json.loads((PACK / "tss.geojson").read_text("utf-8"))
    arrows = modules_page.evaluate("(fc) => geo.laneArrows(fc)", tss)["features"]
    lanes = [
        f
        for f in tss["features"]
        if f["properties"].get("element") == "lane" and f["properties"].get("direction_deg")
    ]
    assert lanes and len(arrows) >= 2 * len(lanes)
    for lane in lanes:
        poly = shape(lane["geometry"])
        mine = [a for a in arrows if poly.contains(Point(a["geometry"]["coordinates"]))]
        assert len(mine) >= 2
        assert {a["properties"]["direction_deg"] for a in mine} == {
            lane["properties"]["direction_deg"]
        }
    assert all(
        any(shape(f["geometry"]).contains(Point(a["geometry"]["coordinates"])) for f in lanes)
        for a in arrows
    )
