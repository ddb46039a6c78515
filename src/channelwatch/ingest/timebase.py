"""Receiver local time to UTC, vectorised and DST-aware, for shore-log line prefixes.

Offsets come from the IANA zone (``zoneinfo``), looked up once per distinct local hour. The
autumn hour that occurs twice (02:00-03:00 in Europe/Paris) is resolved from the log itself: a
line belongs to the second pass (``fold=1``) once the times in that hour have gone back by more
than half an hour. Local times that do not exist (the spring-forward hour) are read as PEP 495
does with ``fold=0``. A log that opens inside the second pass cannot tell and reads it as the
first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from channelwatch.ingest.errors import SourceInputError

F64 = npt.NDArray[np.float64]
_EPOCH = datetime(1970, 1, 1)
_REWIND_S = 1800.0


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; an InputError naming it if unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SourceInputError(f"unknown time zone {name!r}") from exc


@dataclass(slots=True)
class LocalClock:
    """Converts wall-clock seconds (local time read as if UTC) to UTC seconds since 1970."""

    tz: ZoneInfo
    _offsets: dict[int, tuple[float, float]] = field(default_factory=dict)
    # Per ambiguous hour: the latest local time seen and whether the second pass has begun.
    _fold_state: dict[int, tuple[float, bool]] = field(default_factory=dict)

    def _hour_offsets(self, hour: int) -> tuple[float, float]:
        got = self._offsets.get(hour)
        if got is None:
            naive = _EPOCH + timedelta(hours=hour)
            off = []
            for fold in (0, 1):
                delta = naive.replace(tzinfo=self.tz, fold=fold).utcoffset()
                off.append(0.0 if delta is None else delta.total_seconds())
            got = (off[0], off[1])
            self._offsets[hour] = got
        return got

    def to_utc(self, local_s: F64) -> F64:
        """UTC seconds for each local time (NaN stays NaN), in stream order."""
        out = np.full(local_s.shape, np.nan)
        valid = np.flatnonzero(~np.isnan(local_s))
        if not len(valid):
            return out
        hours = np.floor(local_s[valid] / 3600.0).astype(np.int64)
        uniq, inv = np.unique(hours, return_inverse=True)
        table = np.array([self._hour_offsets(int(h)) for h in uniq.tolist()])
        off0, off1 = table[inv, 0], table[inv, 1]
        offset = off0.copy()
        # Only a repeated hour (first offset larger than second) needs the fold rule.
        for j in np.flatnonzero(table[:, 0] > table[:, 1]).tolist():
            rows = np.flatnonzero(inv == j)
            second = self._second_pass(int(uniq[j]), local_s[valid[rows]])
            offset[rows[second]] = off1[rows[second]]
        out[valid] = local_s[valid] - offset
        return out

    def _second_pass(self, hour: int, times: F64) -> npt.NDArray[np.bool_]:
        latest, started = self._fold_state.get(hour, (-np.inf, False))
        running = np.maximum.accumulate(np.concatenate([[latest], times]))[:-1]
        rewound = times < running - _REWIND_S
        second = np.logical_or.accumulate(rewound | started)
        self._fold_state[hour] = (float(max(latest, times.max())), bool(second[-1]))
        return second


def to_datetime(t_s: float) -> datetime:
    """UTC datetime of seconds since 1970."""
    return datetime.fromtimestamp(t_s, UTC)
