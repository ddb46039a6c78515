"""Build the coast index of a region: segments, per-cell candidate lists and cell classes.

Run once per region pack and cached (see ``cache``). Uses shapely/GEOS for the nearest-segment
searches of the grid's corners and for the rigorous candidate search near the coast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from channelwatch.geo import LocalProjection
from channelwatch.region.coast import (
    CLASS_LAND,
    CLASS_NEAR,
    CLASS_SEA,
    Candidates,
    CoastIndex,
    CoastSegments,
    nearest_among,
    point_scale,
    segment_distance,
)
from channelwatch.region.errors import RegionDataError
from channelwatch.region.grid import Grid
from channelwatch.region.metric import metres_per_degree

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
_EDGE_EPS_DEG = 1e-7


def _rings(land: Sequence[BaseGeometry]) -> list[F64]:
    rings: list[F64] = []
    for poly in land:
        for part in shapely.get_parts(poly):
            oriented = shapely.geometry.polygon.orient(part, sign=1.0)
            rings.append(np.asarray(oriented.exterior.coords, dtype=np.float64))
            rings.extend(np.asarray(r.coords, dtype=np.float64) for r in oriented.interiors)
    return rings


def build_segments(
    land: Sequence[BaseGeometry],
    bbox: tuple[float, float, float, float],
    countries: Sequence[tuple[str, BaseGeometry]],
    codes: Sequence[str],
) -> tuple[CoastSegments, I64, I64]:
    """Coast segments of the land polygons (box edges dropped), with each segment's ring
    neighbours (-1 where the neighbour was dropped)."""
    ax, ay, bx, by, sl, prev_l, next_l = [], [], [], [], [], [], []
    base = 0
    for ring in _rings(land):
        pts = ring[:-1] if np.array_equal(ring[0], ring[-1]) else ring
        keep = np.ones(len(pts), dtype=bool)
        keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)  # drop repeated points
        pts = pts[keep]
        n = len(pts)
        if n < 3:
            continue
        a = pts
        b = np.roll(pts, -1, axis=0)
        d_in = a - np.roll(pts, 1, axis=0)  # previous segment's direction, at vertex a
        d_out = b - a
        cross = d_in[:, 0] * d_out[:, 1] - d_in[:, 1] * d_out[:, 0]
        # 1: land around the vertex (reflex), 0: sea (convex), 2: straight (use the side)
        sl.append(np.where(cross < 0, 1, np.where(cross > 0, 0, 2)).astype(np.int8))
        ax.append(a[:, 0])
        ay.append(a[:, 1])
        bx.append(b[:, 0])
        by.append(b[:, 1])
        idx = np.arange(n)
        prev_l.append(base + (idx - 1) % n)
        next_l.append(base + (idx + 1) % n)
        base += n
    if not ax:
        raise RegionDataError("the land layer has no polygon")
    all_ax, all_ay, all_bx, all_by = (np.concatenate(v) for v in (ax, ay, bx, by))
    start = np.concatenate(sl)
    prev = np.concatenate(prev_l)
    nxt = np.concatenate(next_l)
    end = start[nxt]
    lon0, lat0, lon1, lat1 = bbox

    def along(a: F64, b: F64, v: float) -> npt.NDArray[np.bool_]:
        return np.asarray((np.abs(a - v) < _EDGE_EPS_DEG) & (np.abs(b - v) < _EDGE_EPS_DEG))

    # the box's own edges are where the data was cut, not coast
    on_edge = (
        along(all_ax, all_bx, lon0)
        | along(all_ax, all_bx, lon1)
        | along(all_ay, all_by, lat0)
        | along(all_ay, all_by, lat1)
    )
    keep = ~on_edge
    # where the coast runs into the box's edge, the land goes on beyond the cut: the coast
    # segment's own side (its line extended) decides, not the turn onto the cut
    start = np.where(on_edge[prev], 2, start).astype(np.int8)
    end = np.where(on_edge[nxt], 2, end).astype(np.int8)
    new_id = np.full(all_ax.shape, -1, dtype=np.int64)
    new_id[keep] = np.arange(int(keep.sum()))
    kx, ky = metres_per_degree(0.5 * (all_ay + all_by)[keep])
    mid_x = 0.5 * (all_ax + all_bx)[keep]
    mid_y = 0.5 * (all_ay + all_by)[keep]
    country = _segment_countries(mid_x, mid_y, countries, codes)
    seg = CoastSegments(
        ax=all_ax[keep],
        ay=all_ay[keep],
        bx=all_bx[keep],
        by=all_by[keep],
        kx=kx,
        ky=ky,
        country=country,
        start_land=start[keep].astype(np.int8),
        end_land=end[keep].astype(np.int8),
    )
    return seg, new_id[prev[keep]], new_id[nxt[keep]]


def _segment_countries(
    x: F64, y: F64, countries: Sequence[tuple[str, BaseGeometry]], codes: Sequence[str]
) -> npt.NDArray[np.int8]:
    k0 = float(np.cos(np.radians(np.mean(y))))
    geoms = [shapely.affinity.scale(g, xfact=k0, yfact=1.0, origin=(0, 0)) for _, g in countries]
    tree = shapely.STRtree(geoms)
    nearest = tree.query_nearest(shapely.points(x * k0, y), all_matches=False)
    code_of = np.array([codes.index(c) for c, _ in countries], dtype=np.int8)
    out = np.zeros(x.shape, dtype=np.int8)
    out[nearest[0]] = code_of[nearest[1]]
    return out


def build_coast_index(
    grid: Grid, seg: CoastSegments, prev: I64, nxt: I64, near_coast_m: float, sub: int = 4
) -> CoastIndex:
    # GEOS searches in a transverse Mercator centred on the box: metres, with a scale error
    # below 5e-4 anywhere in a box a few degrees wide.
    proj = LocalProjection(
        grid.lat0 + 0.5 * grid.ny * grid.dlat, grid.lon0 + 0.5 * grid.nx * grid.dlon
    )
    sax, say = proj.to_xy(seg.ay, seg.ax)
    sbx, sby = proj.to_xy(seg.by, seg.bx)
    lines = shapely.linestrings(
        np.stack([np.column_stack([sax, say]), np.column_stack([sbx, sby])], axis=1)
    )
    tree = shapely.STRtree(lines)

    # 1. every grid corner: its nearest segment, exact distance and side
    nlon, nlat = grid.nodes()
    node_seg = tree.query_nearest(shapely.points(*proj.to_xy(nlat, nlon)), all_matches=False)[1]
    node_d, node_land = segment_distance(seg, nlon, nlat, *point_scale(grid, nlat), node_seg)

    # 2. cells: near the coast (decide per point) or wholly land / sea
    corners = grid.corner_nodes()
    kx_c, ky_c = metres_per_degree(np.array([grid.lat0, grid.lat0 + grid.ny * grid.dlat]))
    diag_m = float(np.hypot(grid.dlon * kx_c.max(), grid.dlat * ky_c.max()))
    dc = node_d[corners]
    near = dc.min(axis=1) < near_coast_m + diag_m
    cell_class = np.where(
        near, CLASS_NEAR, np.where(node_land[corners[:, 0]], CLASS_LAND, CLASS_SEA)
    ).astype(np.int8)
    near_ids = np.flatnonzero(near)
    near_rank = np.full(grid.size, -1, dtype=np.int32)
    near_rank[near_ids] = np.arange(near_ids.size, dtype=np.int32)

    # 3. near cells, loosely: for p in the cell, d(p) <= max corner distance + half the
    # diagonal, so every segment within that of the cell is a candidate (3 % margin for the
    # projection's scale error and the local metric's).
    x0, y0, x1, y1 = grid.cell_bounds()
    boxes = _projected_boxes(proj, x0[near_ids], y0[near_ids], x1[near_ids], y1[near_ids])
    reach_m = dc[near_ids].max(axis=1) + 0.5 * diag_m
    pairs = tree.query(boxes, predicate="dwithin", distance=reach_m * 1.03 + 1.0)
    loose = _csr(near_ids.size, pairs[0].astype(np.int64), pairs[1].astype(np.int64), len(seg))

    # 4. near cells, tightly, per sub-cell: exact distances on a lattice of spacing h/(2 sub)
    # bound d(p) <= max over the sub-cell's 3 x 3 lattice + its diagonal / 4; a segment is a
    # candidate when its distance to the sub-cell's centre, less half the sub-cell's diagonal,
    # is within that bound.
    keys, sids = _near_candidates(grid, seg, near_ids, loose, sub, diag_m)
    near_cands = _csr(near_ids.size * sub * sub, keys, sids, len(seg))

    # 5. far cells (no coast within near_coast_m, wholly land or sea): the corners' nearest
    # segments and their ring neighbours, pruned to those nearest to a point of a 3 x 3
    # lattice of the cell. Not provably exact; measured against GEOS in the tests.
    far_ids = np.flatnonzero(~near)
    cs = node_seg[corners[far_ids]]  # (n_far, 4)
    around = np.concatenate([cs, prev[cs], nxt[cs]], axis=1)
    far_cell = np.repeat(far_ids, around.shape[1])
    far_seg = around.ravel()
    ok = far_seg >= 0
    wide = _csr(grid.size, far_cell[ok], far_seg[ok], len(seg))
    owner, slon, slat = _lattice(grid, far_ids, 3)
    win = nearest_among(seg, wide, far_ids[owner], slon, slat, *point_scale(grid, slat)).segment
    far = _csr(grid.size, far_ids[owner], win, len(seg))
    return CoastIndex(
        grid=grid,
        segments=seg,
        cell_class=cell_class,
        far=far,
        near_rank=near_rank,
        sub=sub,
        near=near_cands,
    )


def _near_candidates(
    grid: Grid, seg: CoastSegments, near_ids: I64, loose: Candidates, sub: int, diag_m: float
) -> tuple[I64, I64]:
    k = 2 * sub + 1
    diag_sub = diag_m / sub
    keys: list[I64] = []
    sids: list[I64] = []
    chunk = 1000  # near cells at a time: bounds the memory of the pair arrays
    for c0 in range(0, near_ids.size, chunk):
        ranks = np.arange(c0, min(c0 + chunk, near_ids.size), dtype=np.int64)
        owner, slon, slat = _lattice(grid, near_ids[ranks], k)
        d = nearest_among(seg, loose, ranks[owner], slon, slat, *point_scale(grid, slat))
        lat_d = d.distance_m.reshape(ranks.size, k, k)  # [cell, y, x]
        # each sub-cell's 3 x 3 lattice maximum
        win = np.lib.stride_tricks.sliding_window_view(lat_d, (3, 3), axis=(1, 2))
        reach = win[:, ::2, ::2].max(axis=(3, 4)) + 0.25 * diag_sub  # [cell, sj, si]
        # every loose candidate of the cell, against each of its sub-cells
        start = loose.offsets[ranks]
        cnt = loose.offsets[ranks + 1] - start
        first = np.cumsum(cnt) - cnt
        pr = np.repeat(np.arange(ranks.size, dtype=np.int64), cnt)
        pseg = loose.cand[np.arange(int(cnt.sum())) - first[pr] + start[pr]].astype(np.int64)
        q = np.arange(sub * sub, dtype=np.int64)
        pr2 = np.repeat(pr, sub * sub)
        ps2 = np.repeat(pseg, sub * sub)
        q2 = np.tile(q, pr.size)
        sj, si = np.divmod(q2, sub)
        j, i = np.divmod(near_ids[ranks[pr2]], grid.nx)
        clon = grid.lon0 + (i + (si + 0.5) / sub) * grid.dlon
        clat = grid.lat0 + (j + (sj + 0.5) / sub) * grid.dlat
        dcen, _ = segment_distance(seg, clon, clat, *point_scale(grid, clat), ps2)
        keep = dcen - 0.5 * diag_sub <= reach[pr2, sj, si] * 1.02 + 1.0
        keys.append(ranks[pr2[keep]] * sub * sub + q2[keep])
        sids.append(ps2[keep])
    return np.concatenate(keys), np.concatenate(sids)


def _projected_boxes(proj: LocalProjection, x0: F64, y0: F64, x1: F64, y1: F64) -> Any:
    """Bounding boxes, in the projection, of lon/lat cells (from their four corners)."""
    corners = [proj.to_xy(la, lo) for la, lo in ((y0, x0), (y1, x1), (y0, x1), (y1, x0))]
    xs = [c[0] for c in corners]
    ys = [c[1] for c in corners]
    return shapely.box(
        np.minimum.reduce(xs), np.minimum.reduce(ys), np.maximum.reduce(xs), np.maximum.reduce(ys)
    )


def _lattice(grid: Grid, cells: I64, k: int) -> tuple[I64, F64, F64]:
    """A k x k lattice of points over each cell, edges included: (owner, lon, lat), with the
    lattice of one cell in row-major order (y, then x)."""
    f = np.linspace(0.0, 1.0, k)
    fx, fy = (a.ravel() for a in np.meshgrid(f, f))
    j, i = np.divmod(cells, grid.nx)
    lon = (grid.lon0 + (i[:, None] + fx[None, :]) * grid.dlon).ravel()
    lat = (grid.lat0 + (j[:, None] + fy[None, :]) * grid.dlat).ravel()
    owner = np.repeat(np.arange(cells.shape[0], dtype=np.int64), k * k)
    return owner, lon, lat


def _csr(n_keys: int, key: I64, sid: I64, n_seg: int) -> Candidates:
    """Candidate lists from (key, segment) pairs, duplicates dropped; every key needs one."""
    packed = np.unique(key * n_seg + sid)
    key_u, seg_u = np.divmod(packed, n_seg)
    counts = np.bincount(key_u, minlength=n_keys)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return Candidates(offsets=offsets, cand=seg_u.astype(np.int32))
