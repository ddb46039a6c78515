"""Back-test of the weather logic against the Home Office series, with the data that exist.

No hourly or daily wind/wave record of the Strait is available to the project (see
docs/analytics.md), so the window rule itself cannot be scored day by day. What can be tested is
the seasonal relation: a 12-month wind climatology of the Strait against the crossings' seasonal
profile over complete years. That is a weak test (12 points, both driven also by daylight, sea
temperature and smuggling logistics) and is reported as a rank correlation with its uncertainty,
never as a skill score.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from channelwatch.analytics.crossings import seasonality
from channelwatch.analytics.errors import AnalyticsInputError, CoverageError
from channelwatch.analytics.series import DailyCrossings
from channelwatch.geo import MS_PER_KN, haversine_m

Floats = npt.NDArray[np.float64]

CANNOT_TEST = (
    "Hourly or daily skill of the window rule (hit rate, false alarms) on Strait weather: no "
    "hourly or daily wind/wave observations or forecasts for the Strait are available "
    "(only 5-day NEMO means for January 2000, monthly FNOC winds 1982-1992 and a COADS "
    "monthly climatology).",
    "Year-to-year weather effects (e.g. more calm days in 2025): the only monthly wind series "
    "(FNOC, 1982-1992) does not overlap the Home Office series (2018 onwards).",
    "The wave thresholds: no wave data for the Strait at all.",
)


@dataclass(frozen=True, slots=True)
class Correlation:
    """Spearman rank correlation with a 95 % interval (Fisher z, Fieller's variance)."""

    what: str
    n: int
    rho: float
    ci_low: float
    ci_high: float
    p_value: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def spearman(x: Floats, y: Floats, what: str) -> Correlation:
    """Rank correlation of two equal-length samples with its 95 % confidence interval."""
    from scipy.stats import spearmanr

    if x.shape != y.shape or x.size < 4:
        raise AnalyticsInputError(f"{what}: need two samples of the same length >= 4")
    result = spearmanr(x, y)
    rho = float(result.statistic)
    n = int(x.size)
    # Fieller, Hartley and Pearson (1957): var(z) ~ 1.06 / (n - 3) for Spearman's rho.
    z = np.arctanh(np.clip(rho, -0.999999, 0.999999))
    half = 1.959964 * np.sqrt(1.06 / (n - 3))
    return Correlation(
        what=what,
        n=n,
        rho=rho,
        ci_low=float(np.tanh(z - half)),
        ci_high=float(np.tanh(z + half)),
        p_value=float(result.pvalue),
    )


@dataclass(frozen=True, slots=True)
class Backtest:
    """The seasonal back-test and an honest statement of its reach."""

    wind_source: str
    wind_lat: float
    wind_lon: float
    years: list[int]
    wind_kn_by_month: list[float]
    people_by_month: list[float]
    share_days_by_month: list[float]
    people_vs_wind: Correlation
    active_days_vs_wind: Correlation
    per_year: list[Correlation]
    tested: str
    cannot_test: tuple[str, ...] = field(default=CANNOT_TEST)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["cannot_test"] = list(self.cannot_test)
        return d


def seasonal_backtest(
    wind_kn_by_month: Floats,
    daily: DailyCrossings,
    wind_source: str,
    wind_lat: float,
    wind_lon: float,
    years: list[int] | None = None,
) -> Backtest:
    """Rank-correlate the monthly wind climatology with the crossings' seasonal profile."""
    wind = np.asarray(wind_kn_by_month, dtype=np.float64)
    if wind.shape != (12,) or not np.all(np.isfinite(wind)):
        raise AnalyticsInputError(f"need 12 finite monthly winds, got {wind.shape}")
    profile = seasonality(daily, years)
    used = years if years is not None else _years_of(daily)
    people = np.array([p.mean_people for p in profile])
    active = np.array([p.share_days_with_crossings for p in profile])
    per_year = []
    for y in used:
        one = seasonality(daily, [y])
        per_year.append(
            spearman(wind, np.array([p.mean_people for p in one]), f"people by month in {y}")
        )
    return Backtest(
        wind_source=wind_source,
        wind_lat=wind_lat,
        wind_lon=wind_lon,
        years=used,
        wind_kn_by_month=[float(v) for v in wind],
        people_by_month=[float(v) for v in people],
        share_days_by_month=[float(v) for v in active],
        people_vs_wind=spearman(wind, people, "mean people per month vs climatological wind"),
        active_days_vs_wind=spearman(
            wind, active, "share of days with a crossing vs climatological wind"
        ),
        per_year=per_year,
        tested=(
            "Seasonal relation only: a 12-month wind-speed climatology at the cell nearest the "
            "Strait against the monthly crossings averaged over the complete years. A negative "
            "rho means fewer crossings in windier months. Daylight, sea temperature and "
            "smuggling logistics share the same seasonal cycle, so this cannot separate the "
            "weather's effect from theirs."
        ),
    )


def _years_of(daily: DailyCrossings) -> list[int]:
    from channelwatch.analytics.crossings import complete_years

    return complete_years(daily.dates)


# --- reading a monthly climatology (edge) ------------------------------------------------

_SPEED_NAMES = ("wspd", "wind_speed", "si10", "ws", "wind")


def _coord(ds: Any, kind: str) -> Any:
    units = {"lat": ("degrees_north", "degree_north", "degrees_n"), "lon": ("degrees_east",)}
    names = {"lat": ("lat", "latitude"), "lon": ("lon", "longitude")}
    std = {"lat": "latitude", "lon": "longitude"}
    candidates = list(ds.coords.values())
    for v in candidates:
        if str(v.attrs.get("standard_name", "")).lower() == std[kind]:
            return v
        if str(v.attrs.get("units", "")).lower() in units[kind]:
            return v
        if str(v.name).lower() in names[kind]:
            return v
    # Ferret files (COADS, FNOC) name their axes ...X / ...Y and may omit the units.
    suffix = "y" if kind == "lat" else "x"
    for v in candidates:
        if v.ndim == 1 and str(v.name).lower().endswith(suffix):
            return v
    raise AnalyticsInputError(f"no {kind} coordinate in the climatology")


def read_monthly_climatology(
    path: Path, lat: float, lon: float, max_distance_km: float = 200.0
) -> tuple[Floats, float, float]:
    """Twelve monthly mean wind speeds (kn) at the cell nearest to (lat, lon), and that cell.

    The file must hold a 12-step climatology (January first) of scalar wind speed (e.g. COADS
    ``WSPD``); the mean of vector components would understate the speed and is refused.
    """
    import xarray as xr

    if not path.is_file():
        raise AnalyticsInputError(f"no such file: {path}")
    try:
        ds = xr.open_dataset(path, decode_times=False)  # climatologies often use year 0
    except (OSError, ValueError) as exc:
        raise AnalyticsInputError(f"{path}: not a readable NetCDF ({exc})") from None
    with ds:
        var = next(
            (
                v
                for v in ds.data_vars.values()
                if str(v.attrs.get("standard_name", "")).lower() == "wind_speed"
                or str(v.name).lower() in _SPEED_NAMES
                or str(v.attrs.get("long_name", "")).lower() == "wind speed"
            ),
            None,
        )
        if var is None:
            raise AnalyticsInputError(
                f"{path}: no scalar wind speed (standard_name wind_speed or WSPD); vector "
                "components are not accepted (their mean understates the speed)"
            )
        glat, glon = _coord(ds, "lat"), _coord(ds, "lon")
        time_dims = [d for d in var.dims if d not in (glat.dims[0], glon.dims[0])]
        if len(time_dims) != 1 or var.sizes[time_dims[0]] != 12:
            raise AnalyticsInputError(
                f"{path}: {var.name} is not a 12-month climatology (dims {dict(var.sizes)}); a "
                "monthly series of other years cannot be compared with 2018 onwards"
            )
        la, lo = np.meshgrid(glat.values, glon.values, indexing="ij")
        dist = np.asarray(haversine_m(lat, lon, la, lo), dtype=np.float64)
        field_ = var.transpose(time_dims[0], glat.dims[0], glon.dims[0]).values.astype(np.float64)
        valid = np.all(np.isfinite(field_), axis=0)
        dist = np.where(valid, dist, np.inf)  # land cells of a marine climatology are empty
        iy, ix = np.unravel_index(int(np.argmin(dist)), dist.shape)
        if not dist[iy, ix] <= max_distance_km * 1000.0:
            raise CoverageError(f"point {lat}N {lon}E: no valid climatology cell within range")
        units = str(var.attrs.get("units", "m/s")).strip().lower()
        series = field_[:, iy, ix]
        speed_kn = series if units in ("kn", "knots", "kt") else series / MS_PER_KN
        return speed_kn, float(la[iy, ix]), float(lo[iy, ix])
