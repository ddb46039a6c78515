"""Which labelled zone (territorial sea, SAR region, TSS element) each point lies in.

A zone index stores, per grid cell, the label of the zone that covers the whole cell, none, or
"mixed"; for mixed cells it keeps each zone clipped to the cell, so a point there is tested
against a handful of vertices rather than the whole polygon. Zones may not overlap (the first
one listed wins where they do).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

from channelwatch.region.grid import Grid

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

NONE = -1
MIXED = -2


@dataclass(frozen=True, slots=True)
class ZoneIndex:
    grid: Grid
    cell_label: npt.NDArray[np.int16]  # label, NONE or MIXED
    mixed_cells: I64  # sorted ids of the mixed cells
    mixed_offsets: I64  # entries of mixed_cells[k] are [mixed_offsets[k], mixed_offsets[k + 1])
    entry_label: npt.NDArray[np.int16]
    entry_geom: npt.NDArray[np.object_]  # the zone clipped to the cell


def build_zone_index(grid: Grid, zones: Sequence[BaseGeometry]) -> ZoneIndex:
    x0, y0, x1, y1 = grid.cell_bounds()
    boxes = shapely.box(x0, y0, x1, y1)
    tree = shapely.STRtree(boxes)
    cell_label = np.full(grid.size, NONE, dtype=np.int16)
    entries: list[tuple[int, int, BaseGeometry]] = []  # (cell, label, clipped)
    for label, zone in enumerate(zones):
        shapely.prepare(zone)
        hit = tree.query(zone, predicate="intersects")
        full = shapely.covers(zone, boxes[hit])
        free = cell_label[hit[full]] == NONE
        cell_label[hit[full][free]] = label
        part = hit[~full]
        clipped = shapely.intersection(zone, boxes[part])
        entries.extend((int(c), label, g) for c, g in zip(part, clipped, strict=True))
    # a cell both wholly in one zone and partly in another is mixed: keep both as entries
    mixed_set = sorted({c for c, _, _ in entries})
    for c in mixed_set:
        if cell_label[c] >= 0:
            entries.append((c, int(cell_label[c]), boxes[c]))
    entries.sort(key=lambda e: (e[0], e[1]))
    mixed = np.array(mixed_set, dtype=np.int64)
    cell_label[mixed] = MIXED
    ent_cell = np.array([e[0] for e in entries], dtype=np.int64)
    offsets = np.searchsorted(ent_cell, np.append(mixed, grid.size)).astype(np.int64)
    geoms = np.empty(len(entries), dtype=object)
    geoms[:] = [e[2] for e in entries]
    return ZoneIndex(
        grid=grid,
        cell_label=cell_label,
        mixed_cells=mixed,
        mixed_offsets=offsets,
        entry_label=np.array([e[1] for e in entries], dtype=np.int16),
        entry_geom=geoms,
    )


def zone_of(index: ZoneIndex, lon: F64, lat: F64, cell: I64) -> npt.NDArray[np.int16]:
    """Label of the zone holding each point, or NONE. ``cell`` as from ``Grid.cell_of``."""
    out = index.cell_label[cell].copy()
    todo = np.flatnonzero(out == MIXED)
    if todo.size == 0:
        return out
    out[todo] = NONE
    k = np.searchsorted(index.mixed_cells, cell[todo])
    start = index.mixed_offsets[k]
    count = index.mixed_offsets[k + 1] - start
    for r in range(int(count.max())):
        sel = np.flatnonzero((count > r) & (out[todo] == NONE))
        if sel.size == 0:
            break
        e = start[sel] + r
        inside = shapely.contains_xy(index.entry_geom[e], lon[todo[sel]], lat[todo[sel]])
        hit = todo[sel[inside]]
        out[hit] = index.entry_label[e[inside]]
    return out
