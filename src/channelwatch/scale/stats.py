"""Statistics of an AIS archive, one Dask task per day: messages per type, vessels, messages per
hour, the distribution of speeds over ground, and one track summary per MMSI.

Each task reads one ``date=`` partition of the archive and reduces it to partials with pandas
(:func:`message_partials`, :func:`position_partials`: pure functions); the client combines them
(:func:`combine`). No shuffle is needed, so the work is a map over days: on a loaded two-core
machine a shuffle of the same data cost ten times more than the whole map.

* **Speeds**: AIS gives speed over ground in tenths of a knot, so a histogram of 0.1 kn bins holds
  every value exactly and its quantiles are exact.
* **Tracks** (a groupby on MMSI): per day, each vessel's fixes in time order give its fixes, first
  and last fix, path length, speeds and bounding box; across days, the partials of a vessel are
  chained in time and the step between one day's last fix and the next day's first is added. A
  step that would need more than ``MAX_PLAUSIBLE_KN`` is counted as a jump (a bad fix, or two
  vessels sharing an MMSI) and left out of the path. Base stations and aids to navigation (types
  4, 11, 21) have positions but no track. A path sums every step, GPS jitter included: a moored
  vessel reporting every few seconds gathers some distance.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from channelwatch.geo import MS_PER_KN, haversine_m
from channelwatch.scale.archive import read_manifest
from channelwatch.scale.errors import ScaleInputError

SPEED_EDGES_KN: Final = (0.0, 0.5, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 50.0)
SPEED_TENTHS: Final = 1024  # 0.0 .. 102.3 kn in 0.1 kn steps (102.3 is "not available")
MAX_PLAUSIBLE_KN: Final = 60.0
NOT_VESSELS: Final = frozenset({4, 11, 21})  # base stations and aids to navigation: no tracks

PARTIAL_COLUMNS: Final = (
    "mmsi", "fixes", "first", "last", "first_lat", "first_lon", "last_lat", "last_lon",
    "path_m", "jumps", "max_sog_kn", "sog_sum", "sog_n", "lat_min", "lat_max", "lon_min",
    "lon_max",
)  # fmt: skip
TRACK_COLUMNS: Final = (
    "mmsi", "fixes", "first", "last", "duration_h", "path_km", "jumps", "max_sog_kn",
    "mean_sog_kn", "lat_min", "lat_max", "lon_min", "lon_max",
)  # fmt: skip


def _seconds(t: pd.Series) -> npt.NDArray[np.float64]:
    return np.asarray((t - pd.Timestamp(0, tz="UTC")).dt.total_seconds(), dtype=np.float64)


def _pair_steps(
    lat1: npt.NDArray[np.float64],
    lon1: npt.NDArray[np.float64],
    t1_s: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
    lon2: npt.NDArray[np.float64],
    t2_s: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Length of each step from fix 1 to fix 2, and whether it is a jump."""
    step_m = np.asarray(haversine_m(lat1, lon1, lat2, lon2), dtype=np.float64)
    dt_s = t2_s - t1_s
    with np.errstate(divide="ignore", invalid="ignore"):
        implied_kn = np.where(dt_s > 0, step_m / dt_s / MS_PER_KN, np.inf)
    # Two fixes at the same second are a jump only if they are far apart.
    implied_kn = np.where((dt_s <= 0) & (step_m < 50.0), 0.0, implied_kn)
    return step_m, implied_kn > MAX_PLAUSIBLE_KN


def _steps(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], t_s: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Steps between consecutive fixes."""
    return _pair_steps(lat[:-1], lon[:-1], t_s[:-1], lat[1:], lon[1:], t_s[1:])


def position_partials(df: pd.DataFrame) -> pd.DataFrame:
    """Per MMSI, the partial track of the fixes in ``df`` (``mmsi``, ``time``, ``lat``, ``lon``,
    ``sog_kn``); rows of types in NOT_VESSELS must have been removed."""
    if df.empty:
        return pd.DataFrame({c: [] for c in PARTIAL_COLUMNS})
    d = df.sort_values(["mmsi", "time"], kind="stable").reset_index(drop=True)
    mmsi = d["mmsi"].to_numpy(dtype=np.int64)
    lat = d["lat"].to_numpy(dtype=np.float64)
    lon = d["lon"].to_numpy(dtype=np.float64)
    step_m, jump = _steps(lat, lon, _seconds(d["time"]))
    same = mmsi[1:] == mmsi[:-1]
    d["_step_m"] = np.concatenate([[0.0], np.where(same & ~jump, step_m, 0.0)])
    d["_jump"] = np.concatenate([[0], (same & jump).astype(np.int64)])
    g = d.groupby("mmsi", sort=True)
    first, last = g.head(1).set_index("mmsi"), g.tail(1).set_index("mmsi")
    sog = g["sog_kn"]
    out = pd.DataFrame(
        {
            "fixes": g.size(),
            "first": first["time"],
            "last": last["time"],
            "first_lat": first["lat"],
            "first_lon": first["lon"],
            "last_lat": last["lat"],
            "last_lon": last["lon"],
            "path_m": g["_step_m"].sum(),
            "jumps": g["_jump"].sum(),
            "max_sog_kn": sog.max(),
            "sog_sum": sog.sum(),
            "sog_n": sog.count(),
            "lat_min": g["lat"].min(),
            "lat_max": g["lat"].max(),
            "lon_min": g["lon"].min(),
            "lon_max": g["lon"].max(),
        }
    ).reset_index()
    return out[list(PARTIAL_COLUMNS)]


def combine_tracks(partials: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """One row per MMSI from partial tracks of time-disjoint pieces of the positions."""
    parts = [p for p in partials if not p.empty]
    if not parts:
        return pd.DataFrame({c: [] for c in TRACK_COLUMNS})
    p = pd.concat(parts, ignore_index=True).sort_values(["mmsi", "first"], kind="stable")
    p = p.reset_index(drop=True)
    mmsi = p["mmsi"].to_numpy(dtype=np.int64)
    # The step from one piece's last fix to the next piece's first fix of the same vessel.
    step_m, jump = _pair_steps(
        p["last_lat"].to_numpy(dtype=np.float64)[:-1],
        p["last_lon"].to_numpy(dtype=np.float64)[:-1],
        _seconds(p["last"])[:-1],
        p["first_lat"].to_numpy(dtype=np.float64)[1:],
        p["first_lon"].to_numpy(dtype=np.float64)[1:],
        _seconds(p["first"])[1:],
    )
    same = mmsi[1:] == mmsi[:-1]
    p["_join_m"] = np.concatenate([[0.0], np.where(same & ~jump, step_m, 0.0)])
    p["_join_jump"] = np.concatenate([[0], (same & jump).astype(np.int64)])
    g = p.groupby("mmsi", sort=True)
    sog_n = g["sog_n"].sum()
    out = pd.DataFrame(
        {
            "fixes": g["fixes"].sum(),
            "first": g["first"].min(),
            "last": g["last"].max(),
            "path_km": (g["path_m"].sum() + g["_join_m"].sum()) / 1000.0,
            "jumps": g["jumps"].sum() + g["_join_jump"].sum(),
            "max_sog_kn": g["max_sog_kn"].max(),
            "mean_sog_kn": g["sog_sum"].sum() / sog_n.where(sog_n > 0),
            "lat_min": g["lat_min"].min(),
            "lat_max": g["lat_max"].max(),
            "lon_min": g["lon_min"].min(),
            "lon_max": g["lon_max"].max(),
        }
    ).reset_index()
    out["duration_h"] = (out["last"] - out["first"]).dt.total_seconds() / 3600.0
    out = out.astype({"mmsi": "int64", "fixes": "int64", "jumps": "int64"})
    return out[list(TRACK_COLUMNS)]


def speed_tenths(sog_kn: pd.Series) -> npt.NDArray[np.int64]:
    """Counts of speeds in 0.1 kn bins (index k: k/10 kn); NaN left out."""
    v = sog_kn.dropna().to_numpy(dtype=np.float64)
    k = np.clip(np.round(v * 10.0).astype(np.int64), 0, SPEED_TENTHS - 1)
    return np.bincount(k, minlength=SPEED_TENTHS).astype(np.int64)


def speed_summary(tenths: npt.NDArray[np.int64]) -> dict[str, Any]:
    """Histogram over SPEED_EDGES_KN and exact quantiles from 0.1 kn counts."""
    kn = np.arange(SPEED_TENTHS) / 10.0
    total = int(tenths.sum())
    edges = np.asarray(SPEED_EDGES_KN)
    which = np.searchsorted(edges, kn + 1e-9, side="right") - 1
    hist = np.bincount(which, weights=tenths, minlength=len(edges)).astype(np.int64)
    labels = [f"{a:g}-{b:g}" for a, b in itertools.pairwise(edges)]
    labels.append(f">={edges[-1]:g}")
    out: dict[str, Any] = {
        "fixes": total,
        "histogram": dict(zip(labels, hist.tolist(), strict=True)),
    }
    cum = np.cumsum(tenths)
    for q in (0.5, 0.9, 0.99):
        out[f"p{round(q * 100)}"] = (
            None if total == 0 else float(kn[np.searchsorted(cum, q * total, side="left")])
        )
    return out


def _read_day(root: Path, dataset: str, date: str, columns: list[str]) -> pd.DataFrame:
    import pyarrow.dataset as ds

    path = root / dataset / f"date={date}"
    if not path.is_dir():
        return pd.DataFrame({c: [] for c in columns})
    table = ds.dataset(path, format="parquet", partitioning="hive").to_table(columns=columns)
    frame: pd.DataFrame = table.to_pandas()
    return frame


def day_partials(archive: str, date: str) -> dict[str, Any]:
    """The partials of one day of the archive (a Dask task)."""
    root = Path(archive)
    m = _read_day(root, "messages", date, ["msg_type", "mmsi", "hour"])
    p = _read_day(root, "positions", date, ["time", "mmsi", "msg_type", "lat", "lon", "sog_kn"])
    vessels = p[~p["msg_type"].isin(list(NOT_VESSELS))] if not p.empty else p
    return {
        "date": date,
        "messages": len(m),
        "per_type": m["msg_type"].value_counts().to_dict() if len(m) else {},
        "per_hour": m["hour"].value_counts().to_dict() if len(m) else {},
        "mmsi": np.unique(m["mmsi"].to_numpy(dtype=np.int64)) if len(m) else np.empty(0, np.int64),
        "mmsi_positions": (
            np.unique(p["mmsi"].to_numpy(dtype=np.int64)) if len(p) else np.empty(0, np.int64)
        ),
        "speed_tenths": speed_tenths(p["sog_kn"]) if len(p) else np.zeros(SPEED_TENTHS, np.int64),
        "tracks": position_partials(vessels) if len(vessels) else position_partials(p.iloc[:0]),
    }


def days_of(archive: Path) -> list[str]:
    days: set[str] = set()
    for dataset in ("messages", "positions"):
        d = archive / dataset
        if d.is_dir():
            days |= {p.name.split("=", 1)[1] for p in d.glob("date=*") if p.is_dir()}
    return sorted(days)


def combine(parts: Sequence[dict[str, Any]], top: int = 20) -> dict[str, Any]:
    """The archive's statistics from its days' partials; ``tracks_frame`` is the full table."""
    per_type: dict[int, int] = {}
    per_hour: dict[str, int] = {}
    for part in parts:
        for k, v in part["per_type"].items():
            per_type[int(k)] = per_type.get(int(k), 0) + int(v)
        for h, v in part["per_hour"].items():
            key = f"{part['date']}T{int(h):02d}"
            per_hour[key] = per_hour.get(key, 0) + int(v)
    empty = np.empty(0, np.int64)
    mmsi = np.unique(np.concatenate([p["mmsi"] for p in parts] or [empty]))
    mmsi_pos = np.unique(np.concatenate([p["mmsi_positions"] for p in parts] or [empty]))
    tenths = np.sum([p["speed_tenths"] for p in parts], axis=0) if parts else np.zeros(1)
    tracks = combine_tracks([p["tracks"] for p in parts])
    tracks = tracks.sort_values(["fixes", "mmsi"], ascending=[False, True]).reset_index(drop=True)
    top_rows = []
    for row in tracks.head(top).to_dict("records"):
        row["first"], row["last"] = row["first"].isoformat(), row["last"].isoformat()
        top_rows.append(row)
    return {
        "messages": sum(int(p["messages"]) for p in parts),
        "messages_per_type": {str(k): per_type[k] for k in sorted(per_type)},
        "messages_per_hour": dict(sorted(per_hour.items())),
        "vessels": len(mmsi),
        "vessels_with_positions": len(mmsi_pos),
        "speed_kn": speed_summary(np.asarray(tenths, dtype=np.int64)),
        "tracks": {
            "vessels": len(tracks),
            "fixes": int(tracks["fixes"].sum()) if len(tracks) else 0,
            "path_km": float(tracks["path_km"].sum()) if len(tracks) else 0.0,
            "jumps": int(tracks["jumps"].sum()) if len(tracks) else 0,
            "top": top_rows,
        },
        "tracks_frame": tracks,
    }


def archive_stats(archive: str | Path, client: Any, top: int = 20) -> dict[str, Any]:
    """Statistics of an archive, one task per day on ``client``'s workers (see the module)."""
    root = Path(archive)
    manifest = read_manifest(root)
    days = days_of(root)
    if not days:
        raise ScaleInputError(f"{archive} holds no dated message")
    futures = client.map(day_partials, [str(root.resolve())] * len(days), days, pure=False)
    out = combine(client.gather(futures), top=top)
    return {
        "archive": str(root),
        "inputs": [r["input"] for r in manifest["inputs"]],
        "rows": manifest["rows"],
        "undated": manifest["undated"],
        "days": days,
        **out,
    }
