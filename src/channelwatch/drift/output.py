"""Writing a drift run: trajectories as CF NetCDF, the final cloud as STATS.json and GeoJSON."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from channelwatch.drift.errors import DriftInputError
from channelwatch.drift.result import DriftResult, ParticleStatus
from channelwatch.drift.stats import CloudStats

FLAG_MEANINGS = " ".join(s.name.lower() for s in ParticleStatus)


def write_netcdf(result: DriftResult, path: str | os.PathLike[str], **attrs: Any) -> Path:
    """Write the run as a CF-1.8 ``trajectory`` NetCDF4 file: lon, lat, status (trajectory, time).

    Deactivated particles keep their last position (where they stranded or left the forcing);
    ``status`` says which particles are still drifting.
    """
    import netCDF4

    out = Path(path)
    n_t, n_p = result.lat.shape
    try:
        ds = netCDF4.Dataset(str(out), "w", format="NETCDF4")
    except OSError as exc:
        raise DriftInputError(f"cannot write {str(out)!r}: {exc}") from None
    with ds:
        ds.createDimension("trajectory", n_p)
        ds.createDimension("time", n_t)
        traj = ds.createVariable("trajectory", "i4", ("trajectory",))
        traj.cf_role = "trajectory_id"
        traj.long_name = "particle number"
        traj[:] = np.arange(n_p, dtype=np.int32)
        tvar = ds.createVariable("time", "f8", ("time",))
        tvar.standard_name = "time"
        tvar.units = "seconds since 1970-01-01 00:00:00"
        tvar.calendar = "standard"
        tvar[:] = np.array([t.timestamp() for t in result.times])
        chunks = (min(n_p, 1 << 16), 1)
        for name, std, units, data in (
            ("lon", "longitude", "degrees_east", result.lon),
            ("lat", "latitude", "degrees_north", result.lat),
        ):
            v = ds.createVariable(name, "f4", ("trajectory", "time"), zlib=True, chunksizes=chunks)
            v.standard_name = std
            v.units = units
            for k in range(n_t):
                v[:, k] = data[k]
        st = ds.createVariable("status", "i1", ("trajectory", "time"), zlib=True, chunksizes=chunks)
        st.long_name = "particle status"
        st.flag_values = np.array([int(s) for s in ParticleStatus], dtype=np.int8)
        st.flag_meanings = FLAG_MEANINGS
        for k in range(n_t):
            st[:, k] = result.status[k]
        cls = result.object_class
        meta: dict[str, Any] = {
            "Conventions": "CF-1.8",
            "featureType": "trajectory",
            "title": f"ChannelWatch leeway drift of {cls.key}",
            "source": "ChannelWatch drift (Monte Carlo leeway model)",
            "history": f"{datetime.now(UTC).isoformat(timespec='seconds')} created",
            "object_class_number": cls.number,
            "object_class_key": cls.key,
            "object_class_description": cls.description,
            "direction": "backward" if result.backward else "forward",
            "time_step_seconds": result.step_s,
        }
        meta.update(result.attrs)
        meta.update(attrs)
        ds.setncatts({k: v for k, v in meta.items() if v is not None})
    return out


def write_json(obj: Any, path: str | os.PathLike[str], indent: int | None = 2) -> Path:
    """Write ``obj`` as JSON (NaN written as null); ``indent=None`` for compact output."""
    out = Path(path)

    def clean(o: Any) -> Any:
        if isinstance(o, float) and not np.isfinite(o):
            return None
        if isinstance(o, dict):
            return {k: clean(v) for k, v in o.items()}
        if isinstance(o, list | tuple):
            return [clean(v) for v in o]
        return o

    try:
        out.write_text(json.dumps(clean(obj), indent=indent) + "\n")
    except OSError as exc:
        raise DriftInputError(f"cannot write {str(out)!r}: {exc}") from None
    return out


def stats_document(stats: CloudStats) -> dict[str, float | int]:
    """The STATS.json document: exactly the fields of :class:`CloudStats`."""
    return stats.to_dict()
