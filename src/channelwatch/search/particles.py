"""Reading a particle cloud from a drift output NetCDF (CF trajectory layout).

The layout is the one OpenDrift writes and ChannelWatch's drift command follows: variables
``lon`` and ``lat`` over dimensions (trajectory, time) — (time, trajectory) is accepted too —
a ``time`` coordinate with CF units, and optionally ``status`` (0 = active; ``flag_meanings``
names the others, e.g. ``stranded``) and a per-particle ``weight``. After a particle is
deactivated its values are masked; its last valid status tells why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from channelwatch.geo import FloatArray
from channelwatch.search.errors import SearchInputError


@dataclass(frozen=True, slots=True, eq=False)
class ParticleSnapshot:
    """The particles afloat at one time step, and what became of the others."""

    time: datetime
    lat: FloatArray
    lon: FloatArray
    weight: FloatArray
    n_total: int
    n_stranded: int
    n_lost: int  # deactivated for another reason (out of the forcing, ...)


def _as_utc(values: Any, units: str, calendar: str) -> list[datetime]:
    import netCDF4

    out = []
    raw: Any = netCDF4.num2date(values, units, calendar=calendar, only_use_cftime_datetimes=False)
    for d in np.atleast_1d(raw):
        out.append(datetime(d.year, d.month, d.day, d.hour, d.minute, d.second, tzinfo=UTC))
    return out


def read_particle_file(path: Path, at: datetime | None = None) -> ParticleSnapshot:
    """The particles of ``path`` at the time step nearest ``at`` (default: the last one)."""
    import netCDF4

    if not path.is_file():
        raise SearchInputError(f"no such particle file: {path}")
    try:
        ds = netCDF4.Dataset(str(path))
    except OSError as exc:
        raise SearchInputError(f"{path}: not a NetCDF file: {exc}") from None
    with ds:
        for name in ("lat", "lon", "time"):
            if name not in ds.variables:
                raise SearchInputError(f"{path}: no variable {name!r} (a drift output needs it)")
        tvar = ds.variables["time"]
        times = _as_utc(
            np.asarray(tvar[:], float).ravel(),
            tvar.units,
            getattr(tvar, "calendar", "standard"),
        )
        if not times:
            raise SearchInputError(f"{path}: no time steps")
        if at is None:
            it = len(times) - 1
        else:
            dt = np.array([abs((t - at).total_seconds()) for t in times])
            it = int(np.argmin(dt))
            step = (times[1] - times[0]).total_seconds() if len(times) > 1 else 0.0
            if dt[it] > max(step, 1.0):
                raise SearchInputError(
                    f"{path}: no time step near {at.isoformat()} (file covers "
                    f"{times[0].isoformat()} .. {times[-1].isoformat()})"
                )
        latv = ds.variables["lat"]
        time_first = latv.dimensions[0] == "time"

        def field(name: str) -> np.ma.MaskedArray[Any, Any]:
            a: np.ma.MaskedArray[Any, Any] = np.ma.masked_invalid(
                np.ma.asarray(ds.variables[name][:], dtype=float)
            )
            return a.T if time_first else a  # -> (trajectory, time)

        lat = field("lat")
        lon = field("lon")
        valid = ~np.ma.getmaskarray(lat) & ~np.ma.getmaskarray(lon)
        n_total = lat.shape[0]
        status = None
        stranded_code = None
        if "status" in ds.variables:
            status = field("status").filled(-1).astype(int)
            meanings = str(getattr(ds.variables["status"], "flag_meanings", "")).split()
            values = list(getattr(ds.variables["status"], "flag_values", range(len(meanings))))
            if "stranded" in meanings:
                stranded_code = int(values[meanings.index("stranded")])
        weight = None
        if "weight" in ds.variables:
            w: np.ma.MaskedArray[Any, Any] = np.ma.asarray(ds.variables["weight"][:], dtype=float)
            weight = np.asarray(w.filled(0.0) if w.ndim == 1 else field("weight").filled(0.0))
        afloat = valid[:, it].copy()
        if status is not None:
            afloat &= status[:, it] == 0
        # Why the others are gone: their last valid status up to this step.
        gone = ~afloat
        n_stranded = 0
        if status is not None and stranded_code is not None and gone.any():
            idx = np.where(valid[:, : it + 1], np.arange(it + 1), -1).max(axis=1)
            last = np.where(idx >= 0, status[np.arange(n_total), np.maximum(idx, 0)], -1)
            n_stranded = int((gone & (last == stranded_code)).sum())
        if weight is None:
            w_afloat = np.ones(int(afloat.sum()))
        elif weight.ndim == 1:
            w_afloat = weight[afloat]
        else:
            w_afloat = weight[afloat, it]
        return ParticleSnapshot(
            time=times[it],
            lat=np.asarray(lat[afloat, it], float),
            lon=np.asarray(lon[afloat, it], float),
            weight=np.asarray(w_afloat, float),
            n_total=n_total,
            n_stranded=n_stranded,
            n_lost=int(gone.sum()) - n_stranded,
        )
