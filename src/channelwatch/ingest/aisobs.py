"""Decoded AIS messages to the typed observations the tracker consumes.

AIS marks a missing value with a reserved code; here every such code becomes None: latitude 91
and longitude 181 (then there is no position and no :class:`AisPosition`), speed 102.3 kn
(1023 for aircraft, 63 for long-range), course 360 (511 for long-range), heading 511,
navigational status 15, ship type 0, IMO 0, empty text, and dimensions all 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from channelwatch.ingest.batch import BulkGroup, DecodedBatch
from channelwatch.ingest.observation import AisPosition, AisStatic

POSITION_TYPES: Final = frozenset({1, 2, 3, 4, 9, 11, 18, 19, 21, 27})
STATIC_TYPES: Final = frozenset({5, 19, 21, 24})
_SPEED_NA: Final = {9: 1023.0, 27: 63.0}
_COURSE_NA: Final = {27: 511.0}


def _speed_kn(msg_type: int, v: Any) -> float | None:
    if v is None or msg_type in (4, 11, 21):
        return None
    na = _SPEED_NA.get(msg_type, 102.3)
    return None if float(v) >= na else float(v)


def _course_deg(msg_type: int, v: Any) -> float | None:
    if v is None or msg_type in (4, 11, 21):
        return None
    na = _COURSE_NA.get(msg_type, 360.0)
    return None if float(v) >= na else float(v)


def _heading_deg(v: Any) -> int | None:
    return None if v is None or int(v) >= 360 else int(v)


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _nonzero(v: Any) -> int | None:
    return int(v) if v else None


def position(
    msg_type: int, fields: Mapping[str, Any], time: datetime, source: str | None
) -> AisPosition | None:
    """The position report in a decoded message, or None if it has no valid position."""
    lat, lon = fields.get("lat"), fields.get("lon")
    if msg_type not in POSITION_TYPES or lat is None or lon is None:
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    status = fields.get("status")
    return AisPosition(
        time=time,
        mmsi=int(fields["mmsi"]),
        msg_type=msg_type,
        lat=float(lat),
        lon=float(lon),
        sog_kn=_speed_kn(msg_type, fields.get("speed")),
        cog_deg=_course_deg(msg_type, fields.get("course")),
        heading_deg=_heading_deg(fields.get("heading")),
        nav_status=None if status is None or int(status) == 15 else int(status),
        source=source,
    )


def static(
    msg_type: int, fields: Mapping[str, Any], time: datetime, source: str | None
) -> AisStatic | None:
    """The voyage and static data in a decoded message, or None if it carries none."""
    if msg_type not in STATIC_TYPES:
        return None
    dims = [fields.get(k) for k in ("to_bow", "to_stern", "to_port", "to_starboard")]
    has_dims = any(d for d in dims if d is not None)
    bow, stern, port, starboard = (int(d) if has_dims and d is not None else None for d in dims)
    return AisStatic(
        time=time,
        mmsi=int(fields["mmsi"]),
        msg_type=msg_type,
        name=_text(fields.get("shipname") or fields.get("full_name") or fields.get("name")),
        callsign=_text(fields.get("callsign")),
        imo=_nonzero(fields.get("imo")),
        ship_type=_nonzero(fields.get("ship_type")) if msg_type != 21 else None,
        to_bow_m=bow,
        to_stern_m=stern,
        to_port_m=port,
        to_starboard_m=starboard,
        destination=_text(fields.get("destination")),
        source=source,
    )


def observations_reference(
    batch: DecodedBatch, default_time: datetime | None = None
) -> Iterator[AisPosition | AisStatic]:
    """:func:`observations` one message at a time from its dictionary (the slow reference)."""
    for _, t, src, fields in batch.records():
        when = _when(t, default_time)
        if when is not None:
            yield from _from_fields(int(fields["msg_type"]), fields, when, src)


def observations(
    batch: DecodedBatch, default_time: datetime | None = None
) -> Iterator[AisPosition | AisStatic]:
    """Observations of a batch in stream order. Messages with no time take ``default_time``;
    without one they are skipped (see :func:`count_undated`). For one message, its position
    comes before its static data."""
    keyed: list[tuple[int, int, AisPosition | AisStatic]] = []
    for g in batch.groups:
        if g.msg_type in POSITION_TYPES and "lat" in g.columns:
            keyed.extend((line, 0, p) for line, p in _group_positions(g, default_time))
        if g.msg_type in STATIC_TYPES:
            for line, t, src, fields in zip(
                g.line.tolist(), g.time_s.tolist(), g.source, g.dicts(), strict=True
            ):
                when = _when(t, default_time)
                st = None if when is None else static(g.msg_type, fields, when, src)
                if st is not None:
                    keyed.append((line, 1, st))
    from channelwatch.ingest.pyais_bridge import as_dict

    for s in batch.singles:
        when = _when(s.time_s, default_time)
        if when is not None:
            fields = as_dict(s.message)
            for k, obs in enumerate(_from_fields(s.msg_type, fields, when, s.source)):
                keyed.append((s.line, k, obs))
    if not keyed:
        return iter(())
    order = np.lexsort((np.array([k[1] for k in keyed]), np.array([k[0] for k in keyed])))
    return (keyed[i][2] for i in order.tolist())


def _when(t: float, default_time: datetime | None) -> datetime | None:
    return default_time if math.isnan(t) else datetime.fromtimestamp(t, UTC)


def _from_fields(
    msg_type: int, fields: Mapping[str, Any], when: datetime, src: str | None
) -> Iterator[AisPosition | AisStatic]:
    pos = position(msg_type, fields, when, src)
    if pos is not None:
        yield pos
    st = static(msg_type, fields, when, src)
    if st is not None:
        yield st


def _none_where(values: npt.NDArray[Any], missing: npt.NDArray[np.bool_] | Any) -> list[Any]:
    out: list[Any] = values.tolist()
    if missing.any():
        for i in np.flatnonzero(missing).tolist():
            out[i] = None
    return out


def _group_positions(
    g: BulkGroup, default_time: datetime | None
) -> Iterator[tuple[int, AisPosition]]:
    """The positions of a bulk-decoded group, with the same rules as :func:`position`."""
    t = g.msg_type
    lat, lat_ok = g.columns["lat"]
    lon, lon_ok = g.columns["lon"]
    keep = lat_ok & lon_ok & (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)
    if default_time is None:
        keep &= ~np.isnan(g.time_s)
    idx = np.flatnonzero(keep)
    if not len(idx):
        return
    n = len(idx)
    none = [None] * n
    sog: list[Any] = none
    cog: list[Any] = none
    heading: list[Any] = none
    status: list[Any] = none

    def col(name: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
        v, ok = g.columns[name]
        return v[idx].astype(np.float64), ok[idx]

    if t not in (4, 11, 21):
        v, ok = col("speed")
        sog = _none_where(v, ~ok | (v >= _SPEED_NA.get(t, 102.3)))
        v, ok = col("course")
        cog = _none_where(v, ~ok | (v >= _COURSE_NA.get(t, 360.0)))
    if "heading" in g.columns:
        v, ok = col("heading")
        heading = _none_where(v.astype(np.int64), ~ok | (v >= 360))
    if "status" in g.columns:
        v, ok = col("status")
        status = _none_where(v.astype(np.int64), ~ok | (v == 15))
    mmsi = g.columns["mmsi"][0][idx].tolist()
    names = g.source_names
    sources = [names[c] for c in g.source_code[idx].tolist()]
    times = [
        default_time if math.isnan(s) else datetime.fromtimestamp(s, UTC)
        for s in g.time_s[idx].tolist()
    ]
    rows = zip(g.line[idx].tolist(), times, mmsi, lat[idx].tolist(), lon[idx].tolist(), sog,
               cog, heading, status, sources, strict=True)  # fmt: skip
    for line, when, m, la, lo, s, c, h, st, src in rows:
        assert when is not None  # undated rows were dropped above unless defaulted
        yield line, AisPosition(when, m, t, la, lo, s, c, h, st, src)


def count_undated(batch: DecodedBatch) -> int:
    """Messages of a batch that have no time."""
    n = sum(int((g.time_s != g.time_s).sum()) for g in batch.groups)
    return n + sum(1 for s in batch.singles if math.isnan(s.time_s))
