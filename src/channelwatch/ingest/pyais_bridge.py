"""The only module that talks to pyais, the decoder of record (imported lazily: it is slow to load).

It decodes a reassembled payload exactly as ``pyais.messages.AISSentence.decode`` does, turns a
pyais message into its ``asdict(enum_as_int=True)`` dictionary, and gives the tables that map
raw enumeration values to the integers pyais reports (pyais folds unknown values onto a member).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt


class UnknownTypeError(Exception):
    """The message type is not one pyais knows (above 28)."""


def decode_payload(payload: bytes, fill: int) -> Any:
    """Decode one complete payload with pyais; raises UnknownTypeError or pyais's own errors."""
    from pyais.bit_vector import bit_vector
    from pyais.messages import MSG_CLASS

    bv = bit_vector(payload, fill)
    cls = MSG_CLASS.get(bv.get(0, 6))
    if cls is None:
        raise UnknownTypeError(bv.get(0, 6))
    return cls.from_vector(bv)


def as_dict(message: Any) -> dict[str, Any]:
    """pyais's dictionary of a decoded message, enumerations as integers."""
    out: dict[str, Any] = message.asdict(enum_as_int=True)
    return out


def known_types() -> frozenset[int]:
    from pyais.messages import MSG_CLASS

    return frozenset(MSG_CLASS)


@cache
def enum_table(name: str) -> npt.NDArray[np.int64]:
    """Raw value (0..255) to the integer pyais reports for enumeration ``name``."""
    from pyais import constants as c

    enums: dict[str, Any] = {
        "status": c.NavigationStatus,
        "maneuver": c.ManeuverIndicator,
        "epfd": c.EpfdType,
        "ship_type": c.ShipType,
        "station_type": c.StationType,
        "txrx": c.TransmitMode,
        "interval": c.StationIntervals,
        "loaded": c.InlandLoadedType,
    }
    enum = enums[name]
    return np.array([int(enum.from_value(v)) for v in range(256)], dtype=np.int64)
