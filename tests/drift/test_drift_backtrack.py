"""Back-tracking: origins of a backward cloud grouped by coastal site."""

from __future__ import annotations

import numpy as np

from channelwatch.drift.backtrack import Site, origins_by_site
from channelwatch.geo import destination

SITES = [Site("A beach", "FR", 50.95, 1.85), Site("B beach", "FR", 51.05, 2.40)]


def test_points_go_to_the_nearest_site_within_the_radius() -> None:
    rng = np.random.default_rng(0)

    def around(site: Site, n: int, max_m: float) -> tuple[np.ndarray, np.ndarray]:
        lat, lon = destination(site.lat, site.lon, rng.uniform(0, 360, n), rng.uniform(0, max_m, n))
        return np.asarray(lat), np.asarray(lon)

    a = around(SITES[0], 30, 2000.0)
    b = around(SITES[1], 10, 2000.0)
    far = around(SITES[1], 5, 1.0)  # then pushed 20 km north: near no site
    far = (far[0] + 0.18, far[1])
    lat = np.concatenate([a[0], b[0], far[0]])
    lon = np.concatenate([a[1], b[1], far[1]])
    out = origins_by_site(lat, lon, 100, SITES, radius_km=3.0)
    assert [(o.name, o.n) for o in out] == [("A beach", 30), ("B beach", 10)]
    assert out[0].share == 0.30 and 0 < out[0].median_distance_km < 2.0


def test_nothing_to_assign() -> None:
    assert origins_by_site([], [], 10, SITES) == []
    assert origins_by_site([51.0], [1.9], 10, []) == []
