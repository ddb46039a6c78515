"""Distance to the coast and the land/sea side of a point: the pure numpy query core.

The coast is a set of directed segments with land on their left (land rings are oriented that
way). Far from the coast (beyond the pack's ``near_coast_m``) an index cell is wholly land or
wholly sea and holds the few segments nearest to it. Near the coast each cell is cut into
``sub`` x ``sub`` sub-cells whose candidate lists provably contain the nearest segment of every
point in them (see ``coastbuild``). A point's distance is the exact local-ellipsoidal distance to
the nearest candidate; its side comes from that segment, or from the segment's vertex when the
nearest point is a vertex (a reflex vertex of land has land around it, a convex one sea).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from channelwatch.region.grid import Grid
from channelwatch.region.metric import metres_per_degree

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

CLASS_SEA = 0
CLASS_LAND = 1
CLASS_NEAR = -1  # the coast passes near: decide per point


@dataclass(frozen=True, slots=True)
class CoastSegments:
    """Directed coast segments a -> b (lon/lat degrees), land on the left."""

    ax: F64
    ay: F64
    bx: F64
    by: F64
    kx: F64  # metres per degree of longitude at the segment's middle
    ky: F64
    country: npt.NDArray[np.int8]  # index into the region's country codes
    # When a point's nearest coast point is the start (end) vertex: 1 land around the vertex
    # (reflex), 0 sea (convex), 2 a straight vertex where the segment's side decides.
    start_land: npt.NDArray[np.int8]
    end_land: npt.NDArray[np.int8]

    def __len__(self) -> int:
        return int(self.ax.shape[0])


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate segments per key (a cell or a sub-cell), CSR: cand[offsets[k]:offsets[k+1]]."""

    offsets: I64
    cand: npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class CoastIndex:
    grid: Grid
    segments: CoastSegments
    cell_class: npt.NDArray[np.int8]  # CLASS_SEA, CLASS_LAND or CLASS_NEAR
    far: Candidates  # keyed by cell (empty lists for near cells)
    near_rank: npt.NDArray[np.int32]  # rank of a near cell among near cells, -1 if far
    sub: int  # near cells are cut into sub x sub sub-cells
    near: Candidates  # keyed by near_rank * sub**2 + sub-cell


@dataclass(frozen=True, slots=True)
class CoastAnswer:
    distance_m: F64
    segment: I64  # index of the nearest coast segment
    on_land: B


def point_scale(grid: Grid, lat: F64) -> tuple[F64, F64]:
    """Metres per degree at each point, from its grid row (rows are a few thousandths of a
    degree tall: the error is below 1e-4)."""
    row = np.clip(((lat - grid.lat0) / grid.dlat).astype(np.int64), 0, grid.ny - 1)
    kx_row, ky_row = metres_per_degree(grid.lat0 + (np.arange(grid.ny) + 0.5) * grid.dlat)
    return kx_row[row], ky_row[row]


def segment_distance(
    seg: CoastSegments, plon: F64, plat: F64, kxp: F64, kyp: F64, sid: I64
) -> tuple[F64, B]:
    """Distance (m) from each point to its paired segment, and whether the point is on land as
    seen from that segment (right when the segment is the point's nearest)."""
    kx = 0.5 * (kxp + seg.kx[sid])
    ky = 0.5 * (kyp + seg.ky[sid])
    ax = seg.ax[sid]
    ay = seg.ay[sid]
    ux = (ax - plon) * kx  # start vertex, relative to the point, metres
    uy = (ay - plat) * ky
    vx = (seg.bx[sid] - ax) * kx  # the segment, metres
    vy = (seg.by[sid] - ay) * ky
    t = np.clip(-(ux * vx + uy * vy) / (vx * vx + vy * vy), 0.0, 1.0)
    dx = ux + t * vx
    dy = uy + t * vy
    left = (vy * ux - vx * uy) > 0.0
    vertex = np.where(t <= 0.0, seg.start_land[sid], np.where(t >= 1.0, seg.end_land[sid], 2))
    return np.sqrt(dx * dx + dy * dy), np.where(vertex == 2, left, vertex == 1)


def nearest_among(
    seg: CoastSegments, cands: Candidates, key: I64, lon: F64, lat: F64, kxp: F64, kyp: F64
) -> CoastAnswer:
    """The nearest of each point's candidate segments (every key must have at least one)."""
    n = lon.shape[0]
    start = cands.offsets[key]
    count = cands.offsets[key + 1] - start
    dist = np.empty(n)
    best = np.empty(n, dtype=np.int64)
    land = np.empty(n, dtype=bool)
    one = np.flatnonzero(count == 1)  # the common case far from the coast
    if one.size:
        sid = cands.cand[start[one]].astype(np.int64)
        dist[one], land[one] = segment_distance(seg, lon[one], lat[one], kxp[one], kyp[one], sid)
        best[one] = sid
    many = np.flatnonzero(count > 1)
    if many.size:
        cnt = count[many]
        first = np.cumsum(cnt) - cnt
        owner = np.repeat(np.arange(many.size, dtype=np.int64), cnt)
        pos = np.arange(int(cnt.sum()), dtype=np.int64) - first[owner] + start[many][owner]
        sid = cands.cand[pos].astype(np.int64)
        pts = many[owner]
        d, side = segment_distance(seg, lon[pts], lat[pts], kxp[pts], kyp[pts], sid)
        dmin = np.minimum.reduceat(d, first)
        hit = np.where(d == dmin[owner], np.arange(d.shape[0]), d.shape[0])
        b = np.minimum.reduceat(hit, first)  # the first candidate reaching the minimum
        dist[many] = dmin
        best[many] = sid[b]
        land[many] = side[b]
    return CoastAnswer(distance_m=dist, segment=best, on_land=land)


def sub_cell(index: CoastIndex, lon: F64, lat: F64, cell: I64) -> I64:
    """Key of each near-cell point's sub-cell."""
    g = index.grid
    j, i = np.divmod(cell, g.nx)
    s = index.sub
    si = np.clip(((lon - g.lon0) / g.dlon - i) * s, 0, s - 1).astype(np.int64)
    sj = np.clip(((lat - g.lat0) / g.dlat - j) * s, 0, s - 1).astype(np.int64)
    return index.near_rank[cell].astype(np.int64) * (s * s) + sj * s + si


def nearest_coast(index: CoastIndex, lon: F64, lat: F64, cell: I64) -> CoastAnswer:
    """Distance (m) to the nearest coast, which segment, and the side, for each point.

    ``cell`` is each point's grid cell; every point must lie on the grid."""
    kxp, kyp = point_scale(index.grid, lat)
    near = index.near_rank[cell] >= 0
    if not near.any():
        return nearest_among(index.segments, index.far, cell, lon, lat, kxp, kyp)
    n = lon.shape[0]
    out = CoastAnswer(np.empty(n), np.empty(n, dtype=np.int64), np.empty(n, dtype=bool))
    for mask, cands in ((~near, index.far), (near, index.near)):
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            continue
        key = cell[idx] if cands is index.far else sub_cell(index, lon[idx], lat[idx], cell[idx])
        ans = nearest_among(index.segments, cands, key, lon[idx], lat[idx], kxp[idx], kyp[idx])
        out.distance_m[idx] = ans.distance_m
        out.segment[idx] = ans.segment
        out.on_land[idx] = ans.on_land
    return out


def land_mask(index: CoastIndex, lon: F64, lat: F64, cell: I64) -> B:
    """On land? Decided by the cell where it is wholly land or sea, per point near the coast."""
    cls = index.cell_class[cell]
    out: B = np.asarray(cls == CLASS_LAND)
    near = np.flatnonzero(cls == CLASS_NEAR)
    if near.size:
        kxp, kyp = point_scale(index.grid, lat[near])
        key = sub_cell(index, lon[near], lat[near], cell[near])
        ans = nearest_among(index.segments, index.near, key, lon[near], lat[near], kxp, kyp)
        out[near] = ans.on_land
    return out
