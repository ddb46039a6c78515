"""Region queries: points per second on one core, ours against GEOS (shapely 2, prepared
geometries) on the same random points of the Dover Strait box, in one run.

    .venv/bin/python bench/region.py [--points 1000000]

CPU time of this process (time.process_time), best of 3. The GEOS distance is timed on a
subset (it is ~100x slower) and reported per point.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import shapely

from channelwatch.geo import LocalProjection
from channelwatch.region import load_region


def rate(n: int, fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return n / best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--geos-distance-points", type=int, default=20_000)
    args = ap.parse_args()
    r = load_region()
    rng = np.random.default_rng(0)
    lon0, lat0, lon1, lat1 = r.bbox
    n = args.points
    lon = rng.uniform(lon0, lon1, n)
    lat = rng.uniform(lat0, lat1, n)

    ours = {
        "on_land": rate(n, lambda: r.on_land(lat, lon)),
        "in_strip_300m": rate(n, lambda: r.in_strip(lat, lon, 300)),
        "territorial_sea": rate(n, lambda: r.territorial_sea(lat, lon)),
        "distance_to_coast_m": rate(n, lambda: r.distance_to_coast_m(lat, lon)),
    }
    t0 = time.process_time()
    r.on_land(lat, lon)
    r.in_strip(lat, lon, 200)
    r.in_strip(lat, lon, 300)
    r.territorial_sea(lat, lon)
    r.distance_to_coast_m(lat, lon)
    ours["the five, one by one"] = n / (time.process_time() - t0)
    ours["classify (all at once)"] = rate(n, lambda: r.classify(lat, lon))

    land = r.land
    shapely.prepare(land)
    ts = shapely.union_all(
        shapely.get_parts(shapely.from_geojson(r.layer_path("territorial_sea").read_text()))
    )
    shapely.prepare(ts)
    proj = LocalProjection(50.75, 1.25)
    coast = shapely.boundary(land)
    coast_m = shapely.transform(coast, lambda c: np.column_stack(proj.to_xy(c[:, 1], c[:, 0])))
    shapely.prepare(coast_m)
    m = args.geos_distance_points
    x, y = proj.to_xy(lat[:m], lon[:m])
    pts = shapely.points(x, y)
    geos = {
        "on_land": rate(n, lambda: shapely.contains_xy(land, lon, lat), 1),
        "in_strip_300m": rate(m, lambda: shapely.dwithin(coast_m, pts, 300.0), 1),
        "territorial_sea": rate(n, lambda: shapely.contains_xy(ts, lon, lat), 1),
        "distance_to_coast_m": rate(m, lambda: shapely.distance(coast_m, pts), 1),
    }
    print(f"{n:,} random points in {r.name} {r.bbox}; CPU time, one core")
    print(f"{'query':22s} {'ours (pts/s)':>14s} {'GEOS (pts/s)':>14s} {'ratio':>8s}")
    for k, v in ours.items():
        g = geos.get(k)
        gs = f"{g:14,.0f}" if g else f"{'':14s}"
        ratio = f"{v / g:7.1f}x" if g else ""
        print(f"{k:22s} {v:14,.0f} {gs} {ratio:>8s}")


if __name__ == "__main__":
    main()
