"""Bit layouts of the AIS messages decoded in bulk, and their vectorised decoding.

Layouts are ITU-R M.1371 facts (the same tables gpsd's AIVDM notes give). Field names, order
and value conventions follow pyais's ``asdict`` so that a message decoded here is the same
dictionary pyais gives (enumerations as plain integers). Types not listed here are decoded by
pyais one message at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

import numpy as np
import numpy.typing as npt

from channelwatch.ingest.sixbit import I64, U8, BoolArr, field, text


class Kind(Enum):
    INT = "int"
    BOOL = "bool"
    FLOAT = "float"
    TEXT = "text"
    SPARE = "spare"  # occupies bits, left out of the decoded dictionary (as pyais does)


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    width: int
    kind: Kind = Kind.INT
    signed: bool = False
    scale: str | None = None  # FLOAT conversion: "tenth", "latlon", "latlon600", "turn"
    enum: str | None = None  # INT field that pyais turns into an enumeration (see pyais_enums)


F = Field
_HEAD = (F("msg_type", 6), F("repeat", 2), F("mmsi", 30))
_LON = F("lon", 28, Kind.FLOAT, True, "latlon")
_LAT = F("lat", 27, Kind.FLOAT, True, "latlon")
_SPEED = F("speed", 10, Kind.FLOAT, False, "tenth")
_COURSE = F("course", 12, Kind.FLOAT, False, "tenth")
_ACC = F("accuracy", 1, Kind.BOOL)
_RAIM = F("raim", 1, Kind.BOOL)
_DIMS = (F("to_bow", 9), F("to_stern", 9), F("to_port", 6), F("to_starboard", 6))


def _slots(n: int) -> tuple[Field, ...]:
    return (F(f"offset{n}", 12), F(f"number{n}", 4), F(f"timeout{n}", 3), F(f"increment{n}", 11))


POSITION_A: Final = (
    *_HEAD,
    F("status", 4, enum="status"),
    F("turn", 8, Kind.FLOAT, True, "turn"),
    _SPEED,
    _ACC,
    _LON,
    _LAT,
    _COURSE,
    F("heading", 9),
    F("second", 6),
    F("maneuver", 2, enum="maneuver"),
    F("spare_1", 3, Kind.SPARE),
    _RAIM,
    F("radio", 19),
)
BASE_STATION: Final = (
    *_HEAD,
    F("year", 14),
    F("month", 4),
    F("day", 5),
    F("hour", 5),
    F("minute", 6),
    F("second", 6),
    _ACC,
    _LON,
    _LAT,
    F("epfd", 4, enum="epfd"),
    F("spare_1", 10, Kind.SPARE),
    _RAIM,
    F("radio", 19),
)
STATIC_VOYAGE: Final = (
    *_HEAD,
    F("ais_version", 2),
    F("imo", 30),
    F("callsign", 42, Kind.TEXT),
    F("shipname", 120, Kind.TEXT),
    F("ship_type", 8, enum="ship_type"),
    *_DIMS,
    F("epfd", 4, enum="epfd"),
    F("month", 4),
    F("day", 5),
    F("hour", 5),
    F("minute", 6),
    F("draught", 8, Kind.FLOAT, False, "tenth"),
    F("destination", 120, Kind.TEXT),
    F("dte", 1, Kind.BOOL),
    F("spare_1", 1, Kind.SPARE),
)
SAR_AIRCRAFT: Final = (
    *_HEAD,
    F("alt", 12),
    F("speed", 10, Kind.FLOAT),  # whole knots for aircraft
    _ACC,
    _LON,
    _LAT,
    _COURSE,
    F("second", 6),
    F("reserved_1", 8),
    F("dte", 1, Kind.BOOL),
    F("spare_1", 3, Kind.SPARE),
    F("assigned", 1, Kind.BOOL),
    _RAIM,
    F("radio", 20),
)
POSITION_B: Final = (
    *_HEAD,
    F("reserved_1", 8),
    _SPEED,
    _ACC,
    _LON,
    _LAT,
    _COURSE,
    F("heading", 9),
    F("second", 6),
    F("reserved_2", 2),
    F("cs", 1, Kind.BOOL),
    F("display", 1, Kind.BOOL),
    F("dsc", 1, Kind.BOOL),
    F("band", 1, Kind.BOOL),
    F("msg22", 1, Kind.BOOL),
    F("assigned", 1, Kind.BOOL),
    _RAIM,
    F("radio", 20),
)
POSITION_B_EXTENDED: Final = (
    *_HEAD,
    F("reserved_1", 8),
    _SPEED,
    _ACC,
    _LON,
    _LAT,
    _COURSE,
    F("heading", 9),
    F("second", 6),
    F("reserved_2", 4),
    F("shipname", 120, Kind.TEXT),
    F("ship_type", 8, enum="ship_type"),
    *_DIMS,
    F("epfd", 4, enum="epfd"),
    _RAIM,
    F("dte", 1, Kind.BOOL),
    F("assigned", 1, Kind.BOOL),
    F("spare_1", 4, Kind.SPARE),
)
LINK_MANAGEMENT: Final = (*_HEAD, F("spare_1", 2, Kind.SPARE), *_slots(1), *_slots(2),
                          *_slots(3), *_slots(4))  # fmt: skip
GROUP_ASSIGNMENT: Final = (
    *_HEAD,
    F("spare_1", 2, Kind.SPARE),
    F("ne_lon", 18, Kind.FLOAT, True, "tenth"),
    F("ne_lat", 17, Kind.FLOAT, True, "tenth"),
    F("sw_lon", 18, Kind.FLOAT, True, "tenth"),
    F("sw_lat", 17, Kind.FLOAT, True, "tenth"),
    F("station_type", 4, enum="station_type"),
    F("ship_type", 8, enum="ship_type"),
    F("spare_2", 22, Kind.SPARE),
    F("txrx", 2, enum="txrx"),
    F("interval", 4, enum="interval"),
    F("quiet", 4),
    F("spare_3", 6, Kind.SPARE),
)
LONG_RANGE: Final = (
    *_HEAD,
    _ACC,
    _RAIM,
    F("status", 4, enum="status"),
    F("lon", 18, Kind.FLOAT, True, "latlon600"),
    F("lat", 17, Kind.FLOAT, True, "latlon600"),
    F("speed", 6, Kind.FLOAT),  # whole knots
    F("course", 9, Kind.FLOAT),  # whole degrees
    F("gnss", 1, Kind.BOOL),
    F("spare_1", 1, Kind.SPARE),
)

_BINARY_HEAD = (*_HEAD, F("spare_1", 2, Kind.SPARE), F("dac", 10), F("fid", 6))
INLAND_STATIC: Final = (  # type 8, DAC 200 FID 10: inland ship static and voyage data
    *_BINARY_HEAD,
    F("vin", 48, Kind.TEXT),
    F("length", 13, Kind.FLOAT, False, "tenth"),
    F("beam", 10, Kind.FLOAT, False, "tenth"),
    F("shiptype", 14),
    F("hazard", 3),
    F("draught", 11, Kind.FLOAT, False, "hundredth"),
    F("loaded", 2, enum="loaded"),
    F("speed_q", 1, Kind.BOOL),
    F("course_q", 1, Kind.BOOL),
    F("heading_q", 1, Kind.BOOL),
    F("spare", 8, Kind.SPARE),
)
_STATIC_HEAD = (*_HEAD, F("partno", 2))
STATIC_A: Final = (*_STATIC_HEAD, F("shipname", 120, Kind.TEXT), F("spare_1", 8, Kind.SPARE))
_STATIC_B_HEAD = (
    *_STATIC_HEAD,
    F("ship_type", 8),  # pyais leaves this one a plain integer
    F("vendorid", 18, Kind.TEXT),
    F("model", 4),
    F("serial", 20),
    F("callsign", 42, Kind.TEXT),
)
STATIC_B: Final = (*_STATIC_B_HEAD, *_DIMS, F("spare_1", 6, Kind.SPARE))
STATIC_B_AUXILIARY: Final = (  # MMSI 98XXXYYYY: the mother ship's MMSI instead of dimensions
    *_STATIC_B_HEAD,
    F("mothership_mmsi", 30),
    F("spare_1", 6, Kind.SPARE),
)

LAYOUTS: Final[dict[int, tuple[Field, ...]]] = {
    1: POSITION_A,
    2: POSITION_A,
    3: POSITION_A,
    4: BASE_STATION,
    5: STATIC_VOYAGE,
    9: SAR_AIRCRAFT,
    11: BASE_STATION,
    18: POSITION_B,
    19: POSITION_B_EXTENDED,
    20: LINK_MANAGEMENT,
    23: GROUP_ASSIGNMENT,
    27: LONG_RANGE,
}
"""Message types decoded in bulk whatever their content."""

VARIANT_TYPES: Final = frozenset({8, 24})
"""Types whose layout depends on their content; see :func:`variants`."""


def variants(msg_type: int, values: U8, n_bits: I64) -> list[tuple[tuple[Field, ...], I64]]:
    """Split a batch of type 8 or 24 payloads by layout: [(layout, row indices)].

    Rows left out (other binary applications, type 24 part numbers 2 and 3, payloads too short
    to tell) go to pyais.
    """
    if msg_type == 8:
        dac, _ = field(values, n_bits, 40, 10, False)
        fid, _ = field(values, n_bits, 50, 6, False)
        inland = np.flatnonzero((n_bits >= 56) & (dac == 200) & (fid == 10))
        return [(INLAND_STATIC, inland)]
    if msg_type == 24:
        mmsi, _ = field(values, n_bits, 8, 30, False)
        part, _ = field(values, n_bits, 38, 2, False)
        known = n_bits >= 40
        aux = (mmsi >= 980_000_000) & (mmsi <= 989_999_999)
        return [
            (STATIC_A, np.flatnonzero(known & (part == 0))),
            (STATIC_B, np.flatnonzero(known & (part == 1) & ~aux)),
            (STATIC_B_AUXILIARY, np.flatnonzero(known & (part == 1) & aux)),
        ]
    return []


def layout_bits(layout: tuple[Field, ...]) -> int:
    return sum(f.width for f in layout)


Column = tuple[npt.NDArray[np.generic], BoolArr]


def turn_rate(raw: I64) -> npt.NDArray[np.float64]:
    """Rate of turn (deg/min) from the signed ROT_AIS indicator: sign(x) * round((x / 4.733)^2).

    0 stays 0; +-127 (turning, no indicator) and -128 (not available) pass through unchanged.
    """
    x = raw.astype(np.float64)
    rate = np.copysign(np.round((x / 4.733) ** 2), x)
    special = (raw == 0) | (np.abs(raw) == 127) | (raw == -128)
    return np.where(special, x, rate)


def _scaled(raw: I64, scale: str | None) -> npt.NDArray[np.float64]:
    if scale is None:
        return raw.astype(np.float64)
    if scale == "tenth":
        return raw.astype(np.float64) / 10.0
    if scale == "hundredth":
        return raw.astype(np.float64) / 100.0
    if scale == "latlon":
        # 1/10000 minute to degrees rounded to 6 decimals, in exact integer arithmetic:
        # round(v / 600000, 6) == round(5 v / 3) / 1e6, and 5v/3 is never a tie.
        return ((10 * raw + 3) // 6).astype(np.float64) / 1e6
    if scale == "latlon600":
        return ((10000 * raw + 3) // 6).astype(np.float64) / 1e6
    if scale == "turn":
        return turn_rate(raw)
    raise ValueError(f"unknown scale {scale!r}")


def decode_layout(layout: tuple[Field, ...], values: U8, n_bits: I64) -> dict[str, Column]:
    """Decode every field of a batch of same-type payloads: name -> (values, present)."""
    out: dict[str, Column] = {}
    offset = 0
    for f in layout:
        if f.kind is Kind.SPARE:
            pass
        elif f.kind is Kind.TEXT:
            codes, present = text(values, n_bits, offset, f.width)
            out[f.name] = (codes, present)
        else:
            raw, present = field(values, n_bits, offset, f.width, f.signed)
            if f.kind is Kind.BOOL:
                out[f.name] = (raw.astype(np.bool_), present)
            elif f.kind is Kind.FLOAT:
                out[f.name] = (_scaled(raw, f.scale), present)
            else:
                out[f.name] = (raw, present)
        offset += f.width
    return out
