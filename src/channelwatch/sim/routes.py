"""Routes through the region: traffic-lane tracks built from the TSS lane polygons."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from channelwatch.geo import LocalProjection
from channelwatch.region import Region


@dataclass(frozen=True, slots=True)
class Lane:
    """Cross-sections of a traffic lane in the direction of traffic: the left and right edge
    points of each section (lat, lon), so a track at fraction f across the lane is a polyline."""

    name: str
    direction_deg: float
    left: tuple[tuple[float, float], ...]
    right: tuple[tuple[float, float], ...]

    def track(self, fraction: float) -> list[tuple[float, float]]:
        return [
            (a[0] + fraction * (b[0] - a[0]), a[1] + fraction * (b[1] - a[1]))
            for a, b in zip(self.left, self.right, strict=True)
        ]


def traffic_lanes(region: Region, sections: int = 40) -> list[Lane]:
    """The region's TSS lanes as cross-sections, ordered in the direction of traffic."""
    from shapely.geometry import LineString, shape

    from channelwatch.region.pack import read_features

    lanes = []
    for f in read_features(region.layer_path("tss")):
        p = f["properties"]
        if p.get("element") != "lane" or p.get("direction_deg") is None:
            continue
        poly_ll = shape(f["geometry"])
        c = poly_ll.centroid
        proj = LocalProjection(c.y, c.x)
        poly = shapely.transform(
            poly_ll, lambda xy, p=proj: np.column_stack(p.to_xy(xy[:, 1], xy[:, 0]))
        )
        d = math.radians(float(p["direction_deg"]))
        u = np.array([math.sin(d), math.cos(d)])  # along the traffic
        n = np.array([u[1], -u[0]])  # to the right of the traffic
        xy = np.asarray(poly.exterior.coords)
        s = xy @ u
        left, right = [], []
        for sv in np.linspace(s.min(), s.max(), sections + 2)[1:-1]:
            mid = sv * u
            cut = LineString([mid - 1e6 * n, mid + 1e6 * n]).intersection(poly)
            parts = [g for g in shapely.get_parts(cut) if g.length > 0]
            if not parts:
                continue
            piece = max(parts, key=lambda g: g.length)
            ends = np.asarray(piece.coords)[[0, -1]]
            ends = ends[np.argsort(ends @ n)]  # left (smaller n) first
            la, lo = proj.to_latlon(ends[:, 0], ends[:, 1])
            left.append((float(la[0]), float(lo[0])))
            right.append((float(la[1]), float(lo[1])))
        lanes.append(
            Lane(str(p.get("name", "")), float(p["direction_deg"]), tuple(left), tuple(right))
        )
    return lanes
