"""Summary figures of a particle cloud: centroid, spread east and north, r50 and r90."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from channelwatch.geo import LocalProjection, haversine_m


@dataclass(frozen=True, slots=True)
class CloudStats:
    """The STATS.json figures of a cloud (NaN when it is empty)."""

    n: int
    centroid_lon: float
    centroid_lat: float
    std_east_km: float
    std_north_km: float
    r50_km: float
    r90_km: float

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def cloud_stats(lat: npt.ArrayLike, lon: npt.ArrayLike) -> CloudStats:
    """Centroid (mean latitude and longitude); population standard deviations of the east and
    north offsets from it (on a transverse Mercator centred on it); median and 90th-percentile
    great-circle distances from it."""
    la = np.asarray(lat, dtype=np.float64).ravel()
    lo = np.asarray(lon, dtype=np.float64).ravel()
    n = int(la.size)
    if n == 0:
        nan = float("nan")
        return CloudStats(0, nan, nan, nan, nan, nan, nan)
    # longitudes as offsets from the first one, so a cloud across ±180° averages correctly
    ref = lo[0]
    dlon = (lo - ref + 180.0) % 360.0 - 180.0
    c_lat = float(la.mean())
    c_lon = float((ref + dlon.mean() + 180.0) % 360.0 - 180.0)
    x_m, y_m = LocalProjection(c_lat, c_lon).to_xy(la, lo)
    east = x_m / 1000.0
    north = y_m / 1000.0
    r = np.asarray(haversine_m(la, lo, c_lat, c_lon)) / 1000.0
    return CloudStats(
        n=n,
        centroid_lon=c_lon,
        centroid_lat=c_lat,
        std_east_km=float(east.std()),
        std_north_km=float(north.std()),
        r50_km=float(np.percentile(r, 50)),
        r90_km=float(np.percentile(r, 90)),
    )
