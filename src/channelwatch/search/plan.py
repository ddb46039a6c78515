"""Assign search units to areas and patterns so as to maximise the probability of success.

The core works on numbers only: a grid, a POC map and, per unit, its sweep width, search speed
and search time (see :class:`UnitCapability`); the edges look those up.

Method, layout "separate" (sequential, greedy over units, one Bayesian step per unit; rerun
with the first unit pinned to each scenario datum and map peak, keeping the best outcome):

1. Units are taken in decreasing order of effort Z = W·V·T (swept area).
2. For a unit, every candidate area is scored on the current map: rectangles turned to the
   map's major axis, centred on the scenario datums and the map's current peaks, with half
   sizes on a geometric ladder (squares only, for an expanding square; discs at a centre for a
   sector search). The unit's track length L = V·T spread evenly over area A gives coverage
   C = W·L/A, so POS = POC(area) × POD(C); C is capped at ``max_coverage`` (3, POD 0.95: our
   choice), the rest of the track being left spare rather than poured in. Areas holding a
   cell already given to another unit are not allowed: sub-areas do not overlap (IAMSAR).
3. The best area gets its pattern (PS, CS, SS or VS) at the spacing S = W/C that coverage
   implies, with a whole number of legs that fits the track length; the POD of the *pattern
   actually laid* (C = W·L_pattern/A) is applied to the cells inside, and the map is updated as
   if that search failed before the next unit is placed.

Layout "shared": the best rectangle for the whole group's effort, cut into strips along its
long side with widths in proportion to the units' efforts, so each gives it the same coverage.
Both layouts are computed and the one of higher POS is kept; within 0.1 % of POS, the one that
finishes sooner.

The total POS is Σ p_i POD_i over the units' cells. For comparison the plan reports the POS of
Stone's optimal allocation of the same total effort on the map (exponential detection), an
upper bound no set of flyable patterns reaches.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from channelwatch.geo import FloatArray
from channelwatch.search.allocation import optimal_coverage_exponential
from channelwatch.search.bayes import bayes_update
from channelwatch.search.detection import DetectionModel, pod
from channelwatch.search.errors import SearchInputError
from channelwatch.search.geometry import Area, Disc, Rectangle, from_frame, to_frame
from channelwatch.search.grid import SearchGrid
from channelwatch.search.patterns import (
    expanding_square,
    expanding_square_legs_for,
    parallel_sweep,
    sector_search,
    track_count,
    track_length_m,
)

Pattern = Literal["auto", "PS", "CS", "SS", "VS"]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
PATTERNS: tuple[Pattern, ...] = ("auto", "PS", "CS", "SS", "VS")
SEARCH_ENDURANCE_FACTOR = 0.85  # IAMSAR: 15 % of on-scene time goes to turns and sightings
N_SIZES = 40
N_PEAKS = 16
N_BRANCHES = 6  # first-unit centres tried in the separate layout
TIE = 1e-3  # relative POS difference below which the smaller area (less effort) wins
MAX_COVERAGE = 3.0  # ours: beyond C = 3 (POD 0.95) effort is better kept than poured in


@dataclass(frozen=True, slots=True)
class UnitCapability:
    """What the planner needs of a unit: who, sweep width, search speed and time, pattern."""

    unit_id: str
    sweep_width_m: float
    search_speed_ms: float
    search_time_s: float
    pattern: Pattern = "auto"

    def __post_init__(self) -> None:
        if self.pattern not in PATTERNS:
            raise SearchInputError(f"unknown pattern {self.pattern!r}; use one of {PATTERNS}")
        for name in ("sweep_width_m", "search_speed_ms", "search_time_s"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v >= 0):
                raise SearchInputError(f"unit {self.unit_id!r}: {name} must be >= 0, got {v!r}")

    @property
    def track_length_m(self) -> float:
        return self.search_speed_ms * self.search_time_s

    @property
    def effort_m2(self) -> float:
        return self.sweep_width_m * self.track_length_m


@dataclass(frozen=True, slots=True, eq=False)
class Assignment:
    """One unit's area, pattern and what it is expected to achieve."""

    unit_id: str
    pattern: str  # PS, CS, SS or VS
    area: Area
    waypoints_xy: FloatArray  # (n, 2) metres on the grid's projection
    sweep_width_m: float
    track_spacing_m: float  # S (for VS: the radius)
    track_length_m: float  # of the pattern laid
    available_track_m: float  # V × T
    duration_s: float  # time to fly the pattern at the search speed
    coverage: float  # C = W × L_pattern / A
    pod: float
    poc: float  # of the area, on the map the unit was planned against (after earlier units)
    pos: float  # the unit's share of the plan's POS (on the original map)
    cells: BoolArray  # (ny, nx): the cells the unit searches


@dataclass(frozen=True, slots=True, eq=False)
class PlanResult:
    assignments: tuple[Assignment, ...]
    skipped: tuple[tuple[str, str], ...]  # (unit id, why)
    pod_map: FloatArray  # POD per cell of the whole plan
    pos: float  # Σ p_i POD_i
    p_after: FloatArray  # the map if the plan's search finds nothing
    optimal_pos: float | None  # Stone's bound (exponential detection only)
    model: DetectionModel
    layout: str = "separate"  # or "shared": one area cut into strips

    @property
    def duration_s(self) -> float:
        return max((a.duration_s for a in self.assignments), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pos": round(self.pos, 6),
            "optimal_pos": None if self.optimal_pos is None else round(self.optimal_pos, 6),
            "detection_model": self.model,
            "layout": self.layout,
            "duration_h": round(self.duration_s / 3600.0, 3),
            "skipped": [{"unit": u, "reason": r} for u, r in self.skipped],
        }


def search_time_s(
    endurance_h: float, transit_m: float, transit_speed_ms: float, *, round_trip: bool = True
) -> float:
    """Search endurance: (endurance − transit out and back) × 0.85, in seconds, >= 0."""
    if endurance_h < 0 or transit_m < 0 or transit_speed_ms <= 0:
        raise SearchInputError(
            f"need endurance >= 0 h, transit >= 0 m and speed > 0, got {endurance_h!r}, "
            f"{transit_m!r}, {transit_speed_ms!r}"
        )
    transit_s = transit_m / transit_speed_ms * (2.0 if round_trip else 1.0)
    return max(0.0, endurance_h * 3600.0 - transit_s) * SEARCH_ENDURANCE_FACTOR


def peak_centres(
    grid: SearchGrid, p: FloatArray, k: int = N_PEAKS, min_sep_cells: int = 3
) -> list[tuple[float, float]]:
    """Up to ``k`` cell centres of highest ``p``, at least ``min_sep_cells`` apart."""
    gx, gy = grid.centres_xy()
    order = np.argsort(-p.ravel())
    chosen: list[tuple[int, int]] = []
    for flat in order[: max(50 * k, 500)]:
        if p.flat[flat] <= 0:
            break
        iy, ix = divmod(int(flat), grid.nx)
        if all(max(abs(iy - a), abs(ix - b)) >= min_sep_cells for a, b in chosen):
            chosen.append((iy, ix))
            if len(chosen) == k:
                break
    return [(float(gx[iy, ix]), float(gy[iy, ix])) for iy, ix in chosen]


def _size_ladder(grid: SearchGrid, n: int = N_SIZES) -> FloatArray:
    """Half sizes to try: a geometric ladder from half a cell to half the grid's diagonal, and
    the grid's own half sides (so the whole grid is a candidate)."""
    lo = grid.cell_m / 2.0
    hi = max(math.hypot(grid.nx * grid.cell_m, grid.ny * grid.cell_m) / 2.0, lo)
    ladder = np.geomspace(lo, hi, n) if hi > lo else np.array([lo])
    halves = [grid.nx * grid.cell_m / 2.0, grid.ny * grid.cell_m / 2.0]
    out: FloatArray = np.unique(np.concatenate([ladder, halves]))
    return out


def _grid_centre(grid: SearchGrid) -> tuple[float, float]:
    return (grid.x0_m + grid.nx * grid.cell_m / 2.0, grid.y0_m + grid.ny * grid.cell_m / 2.0)


def _cumulative_table(
    index_u: np.ndarray[Any, np.dtype[np.intp]],
    index_v: np.ndarray[Any, np.dtype[np.intp]],
    weights: FloatArray,
    n: int,
) -> FloatArray:
    """T[a, b] = Σ weights of cells with index_u <= a and index_v <= b."""
    ok = (index_u < n) & (index_v < n)
    flat = np.bincount(index_u[ok] * n + index_v[ok], weights=weights[ok], minlength=n * n)
    table: FloatArray = flat.reshape(n, n).cumsum(axis=0).cumsum(axis=1)
    return table


@dataclass(frozen=True, slots=True)
class _Choice:
    area: Area
    poc: float
    coverage: float
    pos: float


def best_rectangle(
    gx: FloatArray,
    gy: FloatArray,
    p: FloatArray,
    taken: BoolArray,
    centres: Sequence[tuple[float, float]],
    axis_deg: float,
    unit: UnitCapability,
    sizes_m: FloatArray,
    model: DetectionModel,
    *,
    square: bool = False,
    max_coverage: float = MAX_COVERAGE,
) -> _Choice | None:
    """The rectangle (or square) of best POS for ``unit`` on map ``p``, avoiding ``taken``."""
    n = sizes_m.size
    best: _Choice | None = None
    su, sv = np.meshgrid(sizes_m, sizes_m, indexing="ij")
    area = 4.0 * su * sv
    coverage = np.minimum(unit.effort_m2 / area, max_coverage)
    pod_ab = pod(coverage, model)
    # The longest leg must fit in the track length available.
    fits = 2.0 * np.maximum(su, sv) <= unit.track_length_m
    if square:
        fits &= np.eye(n, dtype=bool)
    pf = p.ravel()
    tf = taken.ravel().astype(float)
    for cx, cy in centres:
        u, v = to_frame(gx, gy, cx, cy, axis_deg)
        iu = np.searchsorted(sizes_m, np.abs(u).ravel(), side="left")
        iv = np.searchsorted(sizes_m, np.abs(v).ravel(), side="left")
        poc = _cumulative_table(iu, iv, pf, n)
        clash = _cumulative_table(iu, iv, tf, n)
        score = np.where(fits & (clash == 0), poc * pod_ab, -1.0)
        top = float(score.max())
        if top <= 0:
            continue
        # Of the near-best, the smallest area: the same POS for less effort.
        near = score >= top * (1.0 - TIE)
        a, b = np.unravel_index(int(np.argmin(np.where(near, area, np.inf))), score.shape)
        rect = Rectangle(cx, cy, float(sizes_m[a]), float(sizes_m[b]), axis_deg)
        cand = _Choice(rect, float(poc[a, b]), float(coverage[a, b]), float(score[a, b]))
        if _better(cand, best):
            best = cand
    return best


def _better(cand: _Choice, best: _Choice | None) -> bool:
    """Higher POS wins; within the tie margin, the smaller area."""
    if best is None or cand.pos > best.pos * (1.0 + TIE):
        return True
    return cand.pos >= best.pos * (1.0 - TIE) and cand.area.area_m2 < best.area.area_m2


def best_disc(
    gx: FloatArray,
    gy: FloatArray,
    p: FloatArray,
    taken: BoolArray,
    centres: Sequence[tuple[float, float]],
    unit: UnitCapability,
    radii_m: FloatArray,
    model: DetectionModel,
    max_coverage: float = MAX_COVERAGE,
) -> _Choice | None:
    """The sector-search disc of best POS: one pattern (9R of track) or two if they fit."""
    best: _Choice | None = None
    n_pat = np.where(18.0 * radii_m <= unit.track_length_m, 2, 1)
    fits = 9.0 * radii_m <= unit.track_length_m
    coverage = np.minimum(
        unit.sweep_width_m * 9.0 * radii_m * n_pat / (math.pi * radii_m**2), max_coverage
    )
    pod_r = pod(coverage, model)
    for cx, cy in centres:
        r = np.hypot(gx - cx, gy - cy).ravel()
        ir = np.searchsorted(radii_m, r, side="left")
        ok = ir < radii_m.size
        poc = np.bincount(ir[ok], weights=p.ravel()[ok], minlength=radii_m.size).cumsum()
        clash = np.bincount(
            ir[ok], weights=taken.ravel()[ok].astype(float), minlength=radii_m.size
        ).cumsum()
        score = np.where(fits & (clash == 0), poc * pod_r, -1.0)
        top = float(score.max())
        if top <= 0:
            continue
        k = int(np.flatnonzero(score >= top * (1.0 - TIE))[0])  # radii ascend: the smallest
        cand = _Choice(
            Disc(cx, cy, float(radii_m[k])), float(poc[k]), float(coverage[k]), float(score[k])
        )
        if _better(cand, best):
            best = cand
    return best


def _lay_pattern(
    choice: _Choice, unit: UnitCapability, pattern: str
) -> tuple[FloatArray, float, Area]:
    """Waypoints, spacing and the area actually searched by the pattern laid in ``choice``."""
    if isinstance(choice.area, Disc):
        d = choice.area
        n_pat = 2 if 18.0 * d.radius_m <= unit.track_length_m else 1
        return sector_search(d.cx_m, d.cy_m, d.radius_m, 0.0, n_pat), d.radius_m, d
    rect = choice.area
    spacing = unit.sweep_width_m / choice.coverage
    if pattern == "SS":
        # Only the track the coverage needs: C·A/W (less than all of it when C was capped).
        needed = min(unit.track_length_m, choice.coverage * rect.area_m2 / unit.sweep_width_m)
        n_legs = expanding_square_legs_for(needed, spacing)
        wps = expanding_square(rect.cx_m, rect.cy_m, spacing, n_legs, rect.axis_deg)
        # The square the pattern sweeps: its waypoints' box plus S/2 on every side.
        u, v = to_frame(wps[:, 0], wps[:, 1], rect.cx_m, rect.cy_m, rect.axis_deg)
        cu, cv = 0.5 * (u.min() + u.max()), 0.5 * (v.min() + v.max())
        cx, cy = from_frame(cu, cv, rect.cx_m, rect.cy_m, rect.axis_deg)
        swept = Rectangle(
            float(cx),
            float(cy),
            0.5 * float(u.max() - u.min()) + spacing / 2,
            0.5 * float(v.max() - v.min()) + spacing / 2,
            rect.axis_deg,
        )
        return wps, spacing, swept
    long_side = 2.0 * max(rect.half_u_m, rect.half_v_m)
    short_side = 2.0 * min(rect.half_u_m, rect.half_v_m)
    along_long = pattern != "CS"
    width, leg = (short_side, long_side) if along_long else (long_side, short_side)
    n = track_count(width, leg, spacing, unit.track_length_m)
    wps = parallel_sweep(rect, n, legs_along_long_side=along_long)
    return wps, width / n, rect


@dataclass(slots=True)
class _Laying:
    """Mutable state while units are placed: cells taken, POD so far, map if all fail."""

    p: FloatArray
    gx: FloatArray
    gy: FloatArray
    model: DetectionModel
    taken: BoolArray
    pod_map: FloatArray
    p_work: FloatArray
    assignments: list[Assignment]
    skipped: list[tuple[str, str]]

    @classmethod
    def start(cls, grid: SearchGrid, p: FloatArray, model: DetectionModel) -> _Laying:
        gx, gy = grid.centres_xy()
        return cls(
            p=p,
            gx=gx,
            gy=gy,
            model=model,
            taken=np.zeros(grid.shape, dtype=bool),
            pod_map=np.zeros(grid.shape),
            p_work=p.astype(float).copy(),
            assignments=[],
            skipped=[],
        )

    @property
    def pos(self) -> float:
        return float((self.p * self.pod_map).sum())

    @property
    def duration_s(self) -> float:
        """Until the last unit has finished its pattern (transit not counted)."""
        return max((a.duration_s for a in self.assignments), default=0.0)

    def lay(
        self,
        unit: UnitCapability,
        pattern: str,
        wps: FloatArray,
        spacing: float,
        swept: Area,
    ) -> None:
        """Record ``unit`` searching ``swept`` along ``wps`` and update the map."""
        length = track_length_m(wps)
        coverage = unit.sweep_width_m * length / swept.area_m2
        unit_pod = float(pod(coverage, self.model))
        cells = swept.contains(self.gx, self.gy) & ~self.taken
        poc_now = float(self.p_work[cells].sum())
        self.pod_map[cells] = 1.0 - (1.0 - self.pod_map[cells]) * (1.0 - unit_pod)
        self.p_work[cells] *= 1.0 - unit_pod
        self.taken |= cells
        self.assignments.append(
            Assignment(
                unit_id=unit.unit_id,
                pattern=pattern,
                area=swept,
                waypoints_xy=wps,
                sweep_width_m=unit.sweep_width_m,
                track_spacing_m=spacing,
                track_length_m=length,
                available_track_m=unit.track_length_m,
                duration_s=length / unit.search_speed_ms,
                coverage=coverage,
                pod=unit_pod,
                poc=poc_now,
                pos=float((self.p[cells] * unit_pod).sum()),
                cells=cells,
            )
        )


def _usable(units: Sequence[UnitCapability], state: _Laying) -> list[UnitCapability]:
    out = []
    for unit in sorted(units, key=lambda u: -u.effort_m2):
        if unit.effort_m2 <= 0:
            why = "no sweep width" if unit.sweep_width_m <= 0 else "no search time left"
            state.skipped.append((unit.unit_id, why))
        else:
            out.append(unit)
    return out


def _plan_separate(
    grid: SearchGrid,
    p: FloatArray,
    units: Sequence[UnitCapability],
    axis_deg: float,
    centres_xy: Sequence[tuple[float, float]],
    model: DetectionModel,
    max_coverage: float,
    first_centre: tuple[float, float] | None = None,
) -> _Laying:
    """Each unit its own best area on the map left by the units before it; the first unit
    centred on ``first_centre`` if given."""
    state = _Laying.start(grid, p, model)
    sizes = _size_ladder(grid)
    for k, unit in enumerate(_usable(units, state)):
        centres = [
            *centres_xy,
            _grid_centre(grid),
            *peak_centres(grid, state.p_work * ~state.taken),
        ]
        if k == 0 and first_centre is not None:
            centres = [first_centre]
        pattern = "PS" if unit.pattern == "auto" else unit.pattern
        args = (state.gx, state.gy, state.p_work, state.taken, centres)
        if pattern == "VS":
            choice = best_disc(*args, unit, sizes, model, max_coverage)
        else:
            choice = best_rectangle(
                *args,
                axis_deg,
                unit,
                sizes,
                model,
                square=pattern == "SS",
                max_coverage=max_coverage,
            )
        if choice is None:
            state.skipped.append((unit.unit_id, "no free area with probability left"))
            continue
        wps, spacing, swept = _lay_pattern(choice, unit, pattern)
        state.lay(unit, pattern, wps, spacing, swept)
    return state


def _plan_shared(
    grid: SearchGrid,
    p: FloatArray,
    units: Sequence[UnitCapability],
    axis_deg: float,
    centres_xy: Sequence[tuple[float, float]],
    model: DetectionModel,
    max_coverage: float,
) -> _Laying | None:
    """One area for all units, cut into strips along its long side in proportion to their
    efforts so that every unit gives it the same coverage (IAMSAR's division of an area)."""
    state = _Laying.start(grid, p, model)
    usable = _usable(units, state)
    if len(usable) < 2 or any(u.pattern in ("SS", "VS") for u in usable):
        return None
    total = sum(u.effort_m2 for u in usable)
    shortest = min(u.track_length_m for u in usable)
    # A stand-in for the whole group: its effort, and a leg no longer than any unit can fly.
    group = UnitCapability("group", total / shortest, 1.0, shortest)
    sizes = _size_ladder(grid)
    centres = [*centres_xy, _grid_centre(grid), *peak_centres(grid, p)]
    choice = best_rectangle(
        state.gx,
        state.gy,
        p,
        state.taken,
        centres,
        axis_deg,
        group,
        sizes,
        model,
        max_coverage=max_coverage,
    )
    if choice is None or not isinstance(choice.area, Rectangle):
        return None
    rect = choice.area
    long_is_u = rect.half_u_m >= rect.half_v_m
    half_width = rect.half_v_m if long_is_u else rect.half_u_m
    start = -half_width
    for unit in usable:
        w = 2.0 * half_width * unit.effort_m2 / total
        mid = start + w / 2.0
        start += w
        du, dv = (0.0, mid) if long_is_u else (mid, 0.0)
        cx, cy = from_frame(du, dv, rect.cx_m, rect.cy_m, rect.axis_deg)
        strip = Rectangle(
            float(cx),
            float(cy),
            rect.half_u_m if long_is_u else w / 2.0,
            w / 2.0 if long_is_u else rect.half_v_m,
            rect.axis_deg,
        )
        pattern = "CS" if unit.pattern == "CS" else "PS"
        sub = _Choice(strip, 0.0, choice.coverage, 0.0)
        wps, spacing, swept = _lay_pattern(sub, unit, pattern)
        state.lay(unit, pattern, wps, spacing, swept)
    return state


def _layout_better(cand: _Laying, best: _Laying) -> bool:
    """Higher POS wins; at (nearly) equal POS, the one that finishes sooner: time is life."""
    if cand.pos > best.pos * (1.0 + TIE):
        return True
    return cand.pos >= best.pos * (1.0 - TIE) and cand.duration_s < best.duration_s


def plan_units(
    grid: SearchGrid,
    p: FloatArray,
    units: Sequence[UnitCapability],
    *,
    axis_deg: float = 0.0,
    centres_xy: Sequence[tuple[float, float]] = (),
    model: DetectionModel = "exponential",
    max_coverage: float = MAX_COVERAGE,
) -> PlanResult:
    """Place ``units`` on map ``p`` (POC per cell of ``grid``) to maximise the total POS.

    Two layouts are tried and the one of higher POS kept: separate areas, one per unit, each
    the best left on the map (good for scattered scenarios); and one shared area cut into
    strips (good when one unit alone would take the whole map).
    """
    if not max_coverage > 0:
        raise SearchInputError(f"max coverage must be > 0, got {max_coverage!r}")
    if p.shape != grid.shape:
        raise SearchInputError(f"map shape {p.shape} is not the grid's {grid.shape}")
    if np.any(p < 0) or p.sum() > 1.0 + 1e-9:
        raise SearchInputError(f"POC must be >= 0 and sum to <= 1, sum {p.sum()!r}")
    args = (grid, p, units, axis_deg, centres_xy, model, max_coverage)
    state = _plan_separate(*args)
    layout = "separate"
    if sum(u.effort_m2 > 0 for u in units) > 1:
        # Greed can let the first unit straddle two modes of the map and starve the others:
        # also try the first unit on each datum and peak, and keep the best outcome.
        for centre in [*centres_xy, *peak_centres(grid, p, k=N_BRANCHES)][: 2 * N_BRANCHES]:
            alt = _plan_separate(*args, first_centre=centre)
            if _layout_better(alt, state):
                state = alt
    shared = _plan_shared(*args)
    if shared is not None and _layout_better(shared, state):
        state, layout = shared, "shared"
    p_after, pos = bayes_update(p, state.pod_map)
    optimal = None
    if model == "exponential":
        total = sum(u.effort_m2 for u in units)
        phi = optimal_coverage_exponential(p, grid.cell_area_m2, total)
        optimal = float((p * pod(phi, "exponential")).sum())
    return PlanResult(
        assignments=tuple(state.assignments),
        skipped=tuple(state.skipped),
        pod_map=state.pod_map,
        pos=pos,
        p_after=p_after,
        optimal_pos=optimal,
        model=model,
        layout=layout,
    )
