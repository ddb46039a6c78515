"""The time the picture runs on: the wall clock, or a scenario's time during a replay."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any


class Clock:
    """Wall-clock time (live feeds). A replay uses :class:`ReplayClock`."""

    mode = "live"
    speed = 1.0

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._now = now or (lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self._now()

    @property
    def running(self) -> bool:
        return True

    def wall_delay_s(self, t: datetime) -> float:
        """Wall seconds until this clock reaches ``t`` (0 if it has)."""
        return max(0.0, (t - self.now()).total_seconds() / self.speed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.now().isoformat(),
            "mode": self.mode,
            "speed": self.speed,
            "running": self.running,
            "start": None,
            "end": None,
        }


class ReplayClock(Clock):
    """Scenario time: ``start + (monotonic - m0) * speed`` once started; ``start`` before."""

    mode = "replay"

    def __init__(self, speed: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        if not (speed > 0):
            raise ValueError(f"replay speed must be > 0, got {speed!r}")
        self.speed = speed
        self._monotonic = monotonic
        self.start: datetime | None = None
        self.end: datetime | None = None
        self._m0: float | None = None
        self._running = False
        self._frozen: datetime | None = None

    def begin(self, start: datetime, end: datetime | None = None) -> None:
        self.start, self.end = start, end
        self._m0 = self._monotonic()
        self._running = True

    def finish(self) -> None:
        """The scenario's input is exhausted: the clock stops at the last record's time, so the
        picture stays as the scenario left it (at speed, everything would soon expire)."""
        if self._running and self.end is not None:
            self._frozen = min(self.now(), self.end) if self.start is not None else self.end
        self._running = False

    @property
    def running(self) -> bool:
        return self._running

    def now(self) -> datetime:
        if self._frozen is not None:
            return self._frozen
        if self.start is None or self._m0 is None:
            return datetime.now(UTC)
        return self.start + timedelta(seconds=(self._monotonic() - self._m0) * self.speed)

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["start"] = self.start.isoformat() if self.start else None
        d["end"] = self.end.isoformat() if self.end else None
        return d
