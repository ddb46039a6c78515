"""The forcing of a run: for each quantity, readers in priority order, then a fallback.

For every particle, the first reader (in the given order) that covers the time and has a valid
value at the particle's position gives the value; particles no reader covers take the fallback
constant when there is one, and are otherwise reported as uncovered (the model deactivates
them). A time no reader covers, with no fallback, is an error: it concerns every particle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from channelwatch.drift.errors import OutsideTimeCoverageError
from channelwatch.drift.forcing.cf import Quantity
from channelwatch.drift.forcing.reader import ConstantReader, Reader, _iso

FloatArray = npt.NDArray[np.float64]
Complex64Array = npt.NDArray[np.complex64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Forcing:
    """Readers of wind and current in priority order (a constant reader may end each list)."""

    wind: tuple[Reader, ...]
    current: tuple[Reader, ...]
    _owned: tuple[Reader, ...] = field(default=(), repr=False, compare=False)

    @classmethod
    def build(
        cls,
        wind: Sequence[Reader] = (),
        current: Sequence[Reader] = (),
        *,
        wind_fallback_ms: tuple[float, float] | None = None,
        current_fallback_ms: tuple[float, float] | None = None,
    ) -> Forcing:
        """Forcing from readers and optional constant fallbacks (east, north) in m/s."""
        w: tuple[Reader, ...] = tuple(wind)
        c: tuple[Reader, ...] = tuple(current)
        if wind_fallback_ms is not None:
            w += (ConstantReader({Quantity.WIND: wind_fallback_ms}, name="wind fallback"),)
        if current_fallback_ms is not None:
            c += (ConstantReader({Quantity.CURRENT: current_fallback_ms}, name="current fallback"),)
        owned: list[Reader] = []
        for r in (*wind, *current):
            if not any(r is o for o in owned):
                owned.append(r)
        return cls(w, c, tuple(owned))

    def readers(self, quantity: Quantity) -> tuple[Reader, ...]:
        return self.wind if quantity is Quantity.WIND else self.current

    def check_time(self, quantity: Quantity, t_s: float) -> None:
        """Raise :class:`OutsideTimeCoverageError` when no reader of ``quantity`` covers ``t_s``."""
        readers = self.readers(quantity)
        if any(r.covers_time(quantity, t_s) for r in readers):
            return
        spans = ", ".join(
            f"{r.name}: {_iso(a)} to {_iso(b)}"
            for r in readers
            if quantity in r.quantities
            for a, b in [r.time_span(quantity)]
        )
        raise OutsideTimeCoverageError(
            f"time {_iso(t_s)} is not covered by any {quantity.value} reader"
            + (f" ({spans})" if spans else " (none given)")
        )

    def sample(
        self, quantity: Quantity, t_s: float, lat: FloatArray, lon: FloatArray
    ) -> tuple[Complex64Array, BoolArray]:
        """East + 1j·north (m/s) at each position, and where a reader gave a valid value."""
        self.check_time(quantity, t_s)
        n = int(np.size(lat))
        values: Complex64Array | None = None
        need: BoolArray = np.ones(n, dtype=bool)
        for reader in self.readers(quantity):
            if not reader.covers_time(quantity, t_s):
                continue
            if values is None:
                values, ok = reader.sample(quantity, t_s, lat, lon)
                need = ~ok
            else:
                idx = np.flatnonzero(need)
                v, ok = reader.sample(quantity, t_s, lat[idx], lon[idx])
                values[idx[ok]] = v[ok]
                need[idx[ok]] = False
            if not need.any():
                break
        assert values is not None  # check_time guarantees one reader ran
        return values, ~need

    def close(self) -> None:
        """Close the file readers."""
        for r in self._owned:
            close = getattr(r, "close", None)
            if close is not None:
                close()
