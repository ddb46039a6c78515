"""Keep built region indexes on disk so that only the first use of a pack pays for the build.

The cache file is named by the pack's digest and the index format version, so an edited pack
or a new format is rebuilt, never misread. No pickle: arrays in an .npz, geometries as WKB.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from channelwatch.region.coast import Candidates, CoastIndex, CoastSegments
from channelwatch.region.grid import Grid
from channelwatch.region.zones import ZoneIndex

INDEX_FORMAT = 4


def cache_dir() -> Path:
    env = os.environ.get("CHANNELWATCH_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "channelwatch"


def _code_digest() -> str:
    """The index builders' own source: a change to how indexes are built invalidates them."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for mod in ("coast.py", "coastbuild.py", "zones.py", "grid.py", "metric.py", "cache.py"):
        h.update((here / mod).read_bytes())
    return h.hexdigest()[:8]


def cache_path(name: str, digest: str) -> Path:
    return cache_dir() / "regions" / f"{name}-{digest[:16]}-{_code_digest()}-v{INDEX_FORMAT}.npz"


def _grid_arr(g: Grid) -> np.ndarray[Any, Any]:
    return np.array([g.lon0, g.lat0, g.dlon, g.dlat, g.nx, g.ny], dtype=np.float64)


def _grid(a: np.ndarray[Any, Any]) -> Grid:
    return Grid(float(a[0]), float(a[1]), float(a[2]), float(a[3]), int(a[4]), int(a[5]))


def save(path: Path, coast: CoastIndex, zones: dict[str, ZoneIndex]) -> None:
    arrays: dict[str, Any] = {"coast_grid": _grid_arr(coast.grid)}
    s = coast.segments
    for f in CoastSegments.__slots__:
        arrays[f"seg_{f}"] = getattr(s, f)
    arrays["coast_class"] = coast.cell_class
    arrays["coast_far_offsets"] = coast.far.offsets
    arrays["coast_far_cand"] = coast.far.cand
    arrays["coast_near_rank"] = coast.near_rank
    arrays["coast_sub"] = np.array([coast.sub])
    arrays["coast_near_offsets"] = coast.near.offsets
    arrays["coast_near_cand"] = coast.near.cand
    for name, z in zones.items():
        wkb = shapely.to_wkb(z.entry_geom)
        lens = np.array([len(b) for b in wkb], dtype=np.int64)
        arrays[f"z_{name}_grid"] = _grid_arr(z.grid)
        arrays[f"z_{name}_label"] = z.cell_label
        arrays[f"z_{name}_mixed"] = z.mixed_cells
        arrays[f"z_{name}_offsets"] = z.mixed_offsets
        arrays[f"z_{name}_elabel"] = z.entry_label
        arrays[f"z_{name}_wkb"] = np.frombuffer(b"".join(wkb), dtype=np.uint8)
        arrays[f"z_{name}_wkblen"] = lens
    path.parent.mkdir(parents=True, exist_ok=True)
    # write then rename: a reader never sees half a file
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        np.savez(fh, **arrays)
    os.replace(tmp, path)
    # older builds of the same region are of no further use
    for old in path.parent.glob(path.name.split("-")[0] + "-*.npz"):
        if old != path:
            old.unlink(missing_ok=True)


def load(path: Path, zone_names: list[str]) -> tuple[CoastIndex, dict[str, ZoneIndex]]:
    with np.load(path, allow_pickle=False) as npz:
        seg = CoastSegments(**{f: npz[f"seg_{f}"] for f in CoastSegments.__slots__})
        coast = CoastIndex(
            grid=_grid(npz["coast_grid"]),
            segments=seg,
            cell_class=npz["coast_class"],
            far=Candidates(npz["coast_far_offsets"], npz["coast_far_cand"]),
            near_rank=npz["coast_near_rank"],
            sub=int(npz["coast_sub"][0]),
            near=Candidates(npz["coast_near_offsets"], npz["coast_near_cand"]),
        )
        zones = {}
        for name in zone_names:
            raw = npz[f"z_{name}_wkb"].tobytes()
            ends = np.cumsum(npz[f"z_{name}_wkblen"])
            starts = ends - npz[f"z_{name}_wkblen"]
            geoms = np.empty(len(ends), dtype=object)
            geoms[:] = [raw[a:b] for a, b in zip(starts, ends, strict=True)]
            zones[name] = ZoneIndex(
                grid=_grid(npz[f"z_{name}_grid"]),
                cell_label=npz[f"z_{name}_label"],
                mixed_cells=npz[f"z_{name}_mixed"],
                mixed_offsets=npz[f"z_{name}_offsets"],
                entry_label=npz[f"z_{name}_elabel"],
                entry_geom=shapely.from_wkb(geoms) if len(geoms) else geoms,
            )
    return coast, zones
