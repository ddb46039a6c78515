"""From a case and its units to a search plan: the edge that wires the pieces together.

clouds (drift model, drift file or Gaussian fallback) → grid → probability map (with the sea
mask, if the region model is there) → datum and probable error per scenario and for the
mixture → sweep widths and search times of the units → :func:`plan_units`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from channelwatch.geo import METRES_PER_NM, MS_PER_KN, FloatArray, LocalProjection, haversine_m
from channelwatch.search.case import Case, UnitSpec
from channelwatch.search.datum import (
    CloudSummary,
    safety_factor,
    total_probable_error_m,
)
from channelwatch.search.detection import DETECTION_MODELS, DetectionModel
from channelwatch.search.errors import SearchInputError
from channelwatch.search.grid import SearchGrid, grid_covering, scott_bandwidth_m
from channelwatch.search.particles import read_particle_file
from channelwatch.search.plan import (
    BoolArray,
    PlanResult,
    UnitCapability,
    plan_units,
    search_time_s,
)
from channelwatch.search.probability_map import (
    ProbabilityMap,
    build_probability_map,
    summarise_scenarios,
)
from channelwatch.search.scenario import (
    Cloud,
    DriftScenario,
    GaussianScenario,
    ParticleFileScenario,
    gaussian_cloud,
)
from channelwatch.search.sweep_width import SweepWidth, sweep_width


class LandFn(Protocol):
    """True where a position is on land."""

    def __call__(self, lat: FloatArray, lon: FloatArray) -> BoolArray: ...


Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True, eq=False)
class SearchPlan:
    """Everything the command reports and writes."""

    case: Case
    units: tuple[UnitSpec, ...]
    clouds: tuple[Cloud, ...]
    scenario_summaries: tuple[CloudSummary, ...]
    mixture_summary: CloudSummary
    nav_error_m: float  # Y: the largest of the units'
    pmap: ProbabilityMap
    sweep_widths: dict[str, SweepWidth]
    capabilities: tuple[UnitCapability, ...]
    result: PlanResult
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def grid(self) -> SearchGrid:
        return self.pmap.grid

    def iamsar(self, summary: CloudSummary, x_m: float | None) -> dict[str, Any]:
        """The IAMSAR error budget of one datum: De from the cloud, Y from the units."""
        e = total_probable_error_m(0.0, self.nav_error_m, summary.probable_error_m)
        fs = safety_factor(self.case.search_number)
        return {
            "x_m": x_m,  # already inside the cloud's spread; shown for the record
            "y_m": round(self.nav_error_m, 1),
            "de_m": round(summary.probable_error_m, 1),
            "e_m": round(e, 1),
            "safety_factor": fs,
            "search_radius_m": round(fs * e, 1),
        }


def _drift_cloud(
    scn: DriftScenario,
    case: Case,
    rng: np.random.Generator,
    land_fn: LandFn | None,
    progress: Progress | None,
) -> Cloud:
    """Run the drift model for one scenario (imported here: it is heavy)."""

    from channelwatch.drift import DriftError, Forcing, GridReader, run_leeway

    duration = case.search_time - scn.lkp.time
    if duration.total_seconds() <= 0:
        raise SearchInputError(
            f"scenario {scn.id!r}: LKP time {scn.lkp.time.isoformat()} is not before the search "
            f"time {case.search_time.isoformat()}"
        )
    # 15 min steps, or the nearest shorter step that divides the duration exactly.
    n_steps = max(1, math.ceil(duration.total_seconds() / 900.0))
    step = duration / n_steps
    if progress:
        progress(f"drift model: scenario {scn.id}, {n_steps} steps")
    try:
        forcing = Forcing.build(
            wind=[GridReader(scn.wind_path)] if scn.wind_path else [],
            current=[GridReader(scn.current_path)] if scn.current_path else [],
            wind_fallback_ms=None if scn.wind_path else (0.0, 0.0),
            current_fallback_ms=None if scn.current_path else (0.0, 0.0),
        )
        result = run_leeway(
            forcing,
            scn.object_class,
            scn.lkp.lat,
            scn.lkp.lon,
            scn.lkp.time,
            duration,
            rng=rng if scn.seed is None else np.random.default_rng(scn.seed),
            n_particles=scn.particles,
            radius_m=scn.lkp.radius_m,
            step=step,
            output_step=None,
            land=land_fn,
        )
    except DriftError as exc:
        raise SearchInputError(f"scenario {scn.id!r}: drift model: {exc}") from None
    return _cloud_from_arrays(
        scn.id, scn.weight, result.lat[-1], result.lon[-1], result.status[-1], "drift"
    )


def _cloud_from_arrays(
    sid: str, weight: float, lat: Any, lon: Any, status: Any, source: str
) -> Cloud:
    lat_a = np.asarray(lat, float)
    lon_a = np.asarray(lon, float)
    st = np.zeros(lat_a.shape, int) if status is None else np.asarray(status)
    ok = (st == 0) & np.isfinite(lat_a) & np.isfinite(lon_a)
    if not ok.any():
        raise SearchInputError(f"scenario {sid!r}: no particle is afloat at the search time")
    n = int(ok.sum())
    return Cloud(
        scenario_id=sid,
        weight=weight,
        lat=lat_a[ok],
        lon=lon_a[ok],
        particle_weight=np.full(n, 1.0 / n),
        stranded_fraction=float((st == 1).sum() / st.size),
        source=source,
    )


def clouds_for_case(
    case: Case,
    rng: np.random.Generator,
    progress: Progress | None = None,
    land_fn: LandFn | None = None,
) -> list[Cloud]:
    """One cloud per scenario at the search time."""
    clouds: list[Cloud] = []
    for k, scn in enumerate(case.scenarios):
        if isinstance(scn, GaussianScenario):
            n = case.gaussian_particles[k] if case.gaussian_particles else 20000
            clouds.append(gaussian_cloud(scn, case.search_time, n, rng))
        elif isinstance(scn, ParticleFileScenario):
            snap = read_particle_file(scn.path, scn.time or case.search_time)
            if snap.lat.size == 0 or snap.weight.sum() <= 0:
                raise SearchInputError(
                    f"scenario {scn.id!r}: no particle afloat in {scn.path} at "
                    f"{snap.time.isoformat()}"
                )
            clouds.append(
                Cloud(
                    scenario_id=scn.id,
                    weight=scn.weight,
                    lat=snap.lat,
                    lon=snap.lon,
                    particle_weight=snap.weight / snap.weight.sum(),
                    stranded_fraction=snap.n_stranded / snap.n_total,
                    source=f"{scn.path.name}@{snap.time.isoformat()}",
                )
            )
        else:
            clouds.append(_drift_cloud(scn, case, rng, land_fn, progress))
        if progress:
            progress(f"scenario {scn.id}: {clouds[-1].lat.size} particles")
    return clouds


def _default_land_fn() -> LandFn | None:
    """The region model's land test, if the region package is installed."""
    try:
        from channelwatch.region import load_region  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    region = load_region()

    def on_land(lat: FloatArray, lon: FloatArray) -> BoolArray:
        flat = region.on_land(np.ravel(lat), np.ravel(lon))
        return np.asarray(flat, bool).reshape(np.shape(lat))

    return on_land


def capabilities_for(
    units: Sequence[UnitSpec], case: Case, datum_lat: float, datum_lon: float
) -> tuple[list[UnitCapability], dict[str, SweepWidth]]:
    """Sweep width and search time of each unit for the case's object and conditions."""
    caps: list[UnitCapability] = []
    widths: dict[str, SweepWidth] = {}
    for u in units:
        sw = sweep_width(
            u.unit_type,
            case.search_object,
            case.conditions,
            search_speed_kn=u.speed_kn,
            altitude_ft=u.altitude_ft,
            fatigued=u.fatigued,
        )
        widths[u.id] = sw
        if u.on_scene_hours is not None:
            t_s = u.on_scene_hours * 3600.0 * 0.85
        else:
            transit_m = float(haversine_m(u.start_lat, u.start_lon, datum_lat, datum_lon))
            speed = (u.transit_speed_kn or u.speed_kn) * MS_PER_KN
            t_s = search_time_s(u.endurance_h, transit_m, speed)
        caps.append(
            UnitCapability(
                unit_id=u.id,
                sweep_width_m=sw.corrected_m,
                search_speed_ms=u.speed_kn * MS_PER_KN,
                search_time_s=t_s,
                pattern=u.pattern,
            )
        )
    return caps, widths


def make_plan(
    case: Case,
    units: Sequence[UnitSpec],
    *,
    rng: np.random.Generator,
    grid_m: float | None = None,
    land_fn: LandFn | bool | None = True,
    progress: Progress | None = None,
) -> SearchPlan:
    """The whole plan. ``land_fn``: True = the region model's if present, False/None = none."""
    if case.detection_model not in DETECTION_MODELS:
        raise SearchInputError(f"unknown detection model {case.detection_model!r}")
    model: DetectionModel = "exponential"
    if case.detection_model == "inverse_cube":
        model = "inverse_cube"
    notes: list[str] = []
    fn = _default_land_fn() if land_fn is True else (land_fn or None)
    clouds = clouds_for_case(case, rng, progress, fn)
    w = np.array([c.weight for c in clouds]) / sum(c.weight for c in clouds)
    lat0 = float(
        sum(
            wk * np.average(c.lat, weights=c.particle_weight)
            for wk, c in zip(w, clouds, strict=True)
        )
    )
    lon0 = float(
        sum(
            wk * np.average(c.lon, weights=c.particle_weight)
            for wk, c in zip(w, clouds, strict=True)
        )
    )
    proj = LocalProjection(round(lat0, 4), round(lon0, 4))
    each, mixture = summarise_scenarios(clouds, proj)
    xs, ys, bws = [], [], []
    for c, s in zip(clouds, each, strict=True):
        x, y = proj.to_xy(c.lat, c.lon)
        lo_x, hi_x = np.percentile(x, [0.1, 99.9])
        lo_y, hi_y = np.percentile(y, [0.1, 99.9])
        xs += [lo_x, hi_x]
        ys += [lo_y, hi_y]
        n_eff = 1.0 / float((c.particle_weight**2).sum() / c.particle_weight.sum() ** 2)
        bws.append(scott_bandwidth_m(s.sd_major_m, s.sd_minor_m, n_eff))
    margin = 2000.0 + 4.0 * max(bws)
    grid = grid_covering(proj, np.array(xs), np.array(ys), cell_m=grid_m, margin_m=margin)
    sea_mask = None
    if fn is not None:
        glat, glon = grid.centres_latlon()
        on_land = np.asarray(fn(glat.ravel(), glon.ravel()), bool).reshape(grid.shape)
        sea_mask = (~on_land).astype(float)
    else:
        notes.append("no land mask: the region model is not available, cells on land kept")
    pmap = build_probability_map(grid, clouds, sea_mask=sea_mask, bandwidths_m=bws)
    if pmap.contained < 0.99:
        notes.append(f"the grid holds only {pmap.contained:.1%} of the probability")
    caps, widths = capabilities_for(units, case, mixture.datum_lat, mixture.datum_lon)
    for uid, sw in widths.items():
        for note in sw.notes:
            notes.append(f"{uid}: {note}")
    centres = [proj.to_xy(s.datum_lat, s.datum_lon) for s in [*each, mixture]]
    result = plan_units(
        grid,
        pmap.p,
        caps,
        axis_deg=mixture.major_axis_deg,
        centres_xy=[(float(x), float(y)) for x, y in centres],
        model=model,
    )
    nav_error_m = max((u.nav_error_nm for u in units), default=0.0) * METRES_PER_NM
    if not math.isfinite(nav_error_m):
        raise SearchInputError("unit navigational error must be finite")
    return SearchPlan(
        case=case,
        units=tuple(units),
        clouds=tuple(clouds),
        scenario_summaries=tuple(each),
        mixture_summary=mixture,
        nav_error_m=nav_error_m,
        pmap=pmap,
        sweep_widths=widths,
        capabilities=tuple(caps),
        result=result,
        notes=tuple(dict.fromkeys(notes)),
    )
