"""Drift ensembles: many leeway scenarios run in parallel on Dask workers, results gathered.

A scenario is one run of :func:`channelwatch.drift.run_leeway` (object class, release point and
time, duration, particles, seed, forcing files or constants). A scenarios document is JSON::

    {"defaults": {"object_class": "CHANNEL-INFLATABLE-10M", "hours": 6, "particles": 2000,
                  "radius_m": 200, "wind": ["arome.nc"], "current": ["norkyst.nc"], "seed": 1},
     "scenarios": [{"id": "call-07", "lat": 51.0, "lon": 1.6, "start": "2021-11-24T01:30Z"}],
     "sweep": {"object_class": ["PIW-1", "LIFE-RAFT-NB-1"]}}

or a plain list of scenarios. ``sweep`` multiplies every scenario by every combination of the
listed values. Forcing paths are relative to the document's folder and must be readable at the
same path on every worker (shared storage on a real cluster). A scenario without its own
``seed`` gets an independent stream from the document's ``seed`` (``numpy.random.SeedSequence``
spawned per scenario), so an ensemble is reproducible whatever the number of workers.
Each worker keeps its forcing readers open between scenarios (per thread).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np

from channelwatch.errors import ChannelWatchError
from channelwatch.scale.errors import ScaleInputError

_FIELDS: Final = (
    "id", "object_class", "lat", "lon", "start", "hours", "particles", "radius_m", "seed",
    "step_min", "output_min", "backward", "wind", "current", "wind_const", "current_const",
    "fill_method", "stranding",
)  # fmt: skip
MAX_PARTICLES: Final = 1_000_000


@dataclass(frozen=True, slots=True)
class Scenario:
    """One drift run of an ensemble (see the module docstring for the document format)."""

    id: str
    object_class: str
    lat: float
    lon: float
    start: datetime
    hours: float
    particles: int = 1000
    radius_m: float = 0.0
    seed: int = 0
    step_min: float = 15.0
    output_min: float = 60.0
    backward: bool = False
    wind: tuple[str, ...] = ()
    current: tuple[str, ...] = ()
    wind_const: tuple[float, float] | None = None
    current_const: tuple[float, float] | None = None
    fill_method: str = "mean"
    stranding: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"] = self.start.isoformat()
        return d


def _time(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise ScaleInputError(f"{where}: start must be an ISO 8601 time, got {value!r}")
    try:
        t = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ScaleInputError(f"{where}: start {value!r} is not an ISO 8601 time") from None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _number(d: Mapping[str, Any], key: str, where: str, kind: type = float) -> Any:
    v = d[key]
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(float(v)):
        raise ScaleInputError(f"{where}: {key} must be a number, got {v!r}")
    if kind is int and float(v) != int(v):
        raise ScaleInputError(f"{where}: {key} must be a whole number, got {v!r}")
    return kind(v)


def _pair(v: Any, key: str, where: str) -> tuple[float, float] | None:
    if v is None:
        return None
    if not isinstance(v, list | tuple) or len(v) != 2:
        raise ScaleInputError(f"{where}: {key} must be [east, north] in m/s, got {v!r}")
    return float(v[0]), float(v[1])


def _paths(v: Any, key: str, where: str, base: Path) -> tuple[str, ...]:
    items = [v] if isinstance(v, str) else v
    if not isinstance(items, list) or not all(isinstance(p, str) for p in items):
        raise ScaleInputError(f"{where}: {key} must be a path or a list of paths, got {v!r}")
    return tuple(str((base / p).resolve()) for p in items)


def scenario_from_dict(d: Mapping[str, Any], where: str, base: Path, seed: int) -> Scenario:
    """A scenario from a dict (defaults already merged); ScaleInputError names the bad field."""
    unknown = sorted(set(d) - set(_FIELDS))
    if unknown:
        raise ScaleInputError(f"{where}: unknown field(s) {unknown}; allowed: {list(_FIELDS)}")
    for key in ("object_class", "lat", "lon", "start", "hours"):
        if key not in d:
            raise ScaleInputError(f"{where}: missing field {key!r}")
    lat, lon = _number(d, "lat", where), _number(d, "lon", where)
    if not (-89.5 <= lat <= 89.5 and -180.0 <= lon <= 360.0):
        raise ScaleInputError(f"{where}: position {lat}, {lon} is out of range")
    s = Scenario(
        id=str(d.get("id", where)),
        object_class=str(d["object_class"]),
        lat=lat,
        lon=lon,
        start=_time(d["start"], where),
        hours=_number(d, "hours", where),
        particles=_number(d, "particles", where, int) if "particles" in d else 1000,
        radius_m=_number(d, "radius_m", where) if "radius_m" in d else 0.0,
        seed=_number(d, "seed", where, int) if "seed" in d else seed,
        step_min=_number(d, "step_min", where) if "step_min" in d else 15.0,
        output_min=_number(d, "output_min", where) if "output_min" in d else 60.0,
        backward=bool(d.get("backward", False)),
        wind=_paths(d.get("wind", []), "wind", where, base),
        current=_paths(d.get("current", []), "current", where, base),
        wind_const=_pair(d.get("wind_const"), "wind_const", where),
        current_const=_pair(d.get("current_const"), "current_const", where),
        fill_method=str(d.get("fill_method", "mean")),
        stranding=bool(d.get("stranding", False)),
    )
    if not 0 < s.hours <= 24 * 30:
        raise ScaleInputError(f"{where}: hours must be in (0, 720], got {s.hours}")
    if not 1 <= s.particles <= MAX_PARTICLES:
        raise ScaleInputError(f"{where}: particles must be 1..{MAX_PARTICLES}, got {s.particles}")
    if not (s.wind or s.wind_const) or not (s.current or s.current_const):
        raise ScaleInputError(f"{where}: give wind and current (files or constants)")
    return s


def parse_scenarios(doc: Any, base: Path) -> list[Scenario]:
    """Scenarios of a document (see the module docstring); ids must be unique."""
    if isinstance(doc, list):
        doc = {"scenarios": doc}
    if not isinstance(doc, Mapping):
        raise ScaleInputError("a scenarios document is a list of scenarios or an object")
    defaults = doc.get("defaults", {})
    items = doc.get("scenarios", [{}] if doc.get("sweep") else [])
    sweep = doc.get("sweep", {})
    if not isinstance(defaults, Mapping) or not isinstance(sweep, Mapping):
        raise ScaleInputError("'defaults' and 'sweep' must be objects")
    if not isinstance(items, list) or not items:
        raise ScaleInputError("'scenarios' must be a non-empty list")
    for key, values in sweep.items():
        if not isinstance(values, list) or not values:
            raise ScaleInputError(f"sweep {key!r} must be a non-empty list")
    combos = [dict(zip(sweep, c, strict=True)) for c in itertools.product(*sweep.values())]
    raw: list[tuple[str, dict[str, Any]]] = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise ScaleInputError(f"scenario {i} must be an object")
        for combo in combos:
            merged = {**defaults, **item, **combo}
            if "seed" not in item and "seed" not in combo:
                merged.pop("seed", None)  # the document's seed: spawned per scenario below
            name = str(item.get("id", f"s{i + 1}"))
            if len(combos) > 1:
                name += "-" + "-".join(str(v) for v in combo.values())
            merged["id"] = name
            raw.append((f"scenario {name}", merged))
    base_seed = defaults.get("seed", 0)
    if isinstance(base_seed, bool) or not isinstance(base_seed, int) or base_seed < 0:
        raise ScaleInputError(f"defaults: seed must be a whole number >= 0, got {base_seed!r}")
    seeds = np.random.SeedSequence(base_seed).spawn(len(raw))
    out = [
        scenario_from_dict(d, where, base, int(seeds[k].generate_state(1)[0]))
        for k, (where, d) in enumerate(raw)
    ]
    ids = [s.id for s in out]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ScaleInputError(f"scenario ids must be unique; repeated: {dup}")
    return out


def load_scenarios(path: str | Path) -> list[Scenario]:
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScaleInputError(f"cannot read {p}: {exc.strerror}") from None
    except ValueError as exc:
        raise ScaleInputError(f"{p} is not JSON: {exc}") from None
    return parse_scenarios(doc, p.parent)


# -- on the workers ------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _forcing(
    thread: int,
    wind: tuple[str, ...],
    current: tuple[str, ...],
    wind_const: tuple[float, float] | None,
    current_const: tuple[float, float] | None,
    fill_method: str,
) -> Any:
    """Forcing readers, opened once per worker thread (netCDF handles are not thread-safe)."""
    from channelwatch.drift import Forcing, GridReader

    readers: dict[str, Any] = {}

    def reader(path: str) -> Any:
        if path not in readers:
            readers[path] = GridReader(path, fill_method=fill_method)  # type: ignore[arg-type]
        return readers[path]

    return Forcing.build(
        wind=[reader(p) for p in wind],
        current=[reader(p) for p in current],
        wind_fallback_ms=wind_const,
        current_fallback_ms=current_const,
    )


@lru_cache(maxsize=1)
def _land() -> Any:
    from channelwatch.drift.land import region_land_test

    return region_land_test()


def run_scenario(s: Scenario, keep_cloud: bool = False) -> dict[str, Any]:
    """Run one scenario (a Dask task); a scenario that fails returns its error, not raises."""
    from channelwatch.drift import cloud_stats, run_leeway

    t0 = time.perf_counter()
    out: dict[str, Any] = {
        "id": s.id,
        "scenario": s.to_dict(),
        "worker": f"{socket.gethostname()}:{os.getpid()}",
    }
    try:
        forcing = _forcing(
            threading.get_ident(), s.wind, s.current, s.wind_const, s.current_const, s.fill_method
        )
        result = run_leeway(
            forcing,
            s.object_class,
            s.lat,
            s.lon,
            s.start,
            timedelta(hours=s.hours),
            rng=np.random.default_rng(s.seed),
            n_particles=s.particles,
            radius_m=s.radius_m,
            step=timedelta(minutes=s.step_min),
            output_step=timedelta(minutes=s.output_min),
            backward=s.backward,
            land=_land() if s.stranding else None,
        )
    except (ChannelWatchError, ValueError) as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
        out["wall_s"] = time.perf_counter() - t0
        return out
    lat, lon = result.cloud()
    centroid = []
    for k, t in enumerate(result.times):
        la, lo = result.cloud(k)
        if la.size:
            centroid.append([t.isoformat(), float(la.mean()), float(lo.mean())])
    out["stats"] = cloud_stats(lat, lon).to_dict()
    out["counts"] = result.counts()
    out["centroid_track"] = centroid
    if keep_cloud:
        out["cloud"] = {"lat": lat.astype(np.float32), "lon": lon.astype(np.float32)}
    out["wall_s"] = time.perf_counter() - t0
    return out


# -- on the client -------------------------------------------------------------------------


@dataclass(slots=True)
class EnsembleResult:
    scenarios: list[dict[str, Any]]
    combined: dict[str, Any]
    failed: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenarios": [{k: v for k, v in r.items() if k != "cloud"} for r in self.scenarios],
            "combined": self.combined,
            "failed": self.failed,
            "wall_s": self.wall_s,
        }


def run_ensemble(
    scenarios: Sequence[Scenario],
    client: Any,
    *,
    on_done: Callable[[dict[str, Any]], None] | None = None,
) -> EnsembleResult:
    """Run every scenario on ``client``'s workers; results in the scenarios' order, with the
    statistics of all final clouds together (each scenario's particles count once)."""
    import distributed

    from channelwatch.drift import cloud_stats

    as_completed: Any = distributed.as_completed
    if not scenarios:
        raise ScaleInputError("no scenario to run")
    t0 = time.perf_counter()
    futures = client.map(run_scenario, list(scenarios), keep_cloud=True, pure=False)
    by_id: dict[str, dict[str, Any]] = {}
    for future in as_completed(futures):
        r = future.result()
        by_id[r["id"]] = r
        if on_done is not None:
            on_done(r)
    ordered = [by_id[s.id] for s in scenarios]
    clouds = [r["cloud"] for r in ordered if "cloud" in r]
    lat = np.concatenate([c["lat"] for c in clouds]) if clouds else np.empty(0)
    lon = np.concatenate([c["lon"] for c in clouds]) if clouds else np.empty(0)
    return EnsembleResult(
        scenarios=ordered,
        combined=cloud_stats(lat, lon).to_dict(),
        failed=[r["id"] for r in ordered if "error" in r],
        wall_s=time.perf_counter() - t0,
    )


def run_serial(scenarios: Sequence[Scenario]) -> list[dict[str, Any]]:
    """The same scenarios one after the other in this process (the baseline of the bench)."""
    return [run_scenario(s) for s in scenarios]
