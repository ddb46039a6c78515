"""Scenario parameters and the scenario facts of a region (``data/<region>.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from channelwatch.sim.errors import SimError, SimInputError

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class ScenarioConfig:
    start: datetime  # UTC, the first instant written
    hours: float
    seed: int
    warmup_h: float = 4.0  # simulated before ``start`` and not written: the sea is already busy
    demo: bool = False  # add the scripted incidents that show every part of the product
    step_s: float = 2.0
    radar_period_s: float = 20.0
    truth_period_s: float = 20.0
    region: str = "dover_strait"

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.start.utcoffset() is None:
            raise SimInputError(f"start {self.start.isoformat()} has no UTC offset")
        if not 0 < self.hours <= 72:
            raise SimInputError(f"hours {self.hours!r} must be in (0, 72]")
        if not 0 <= self.warmup_h <= 24:
            raise SimInputError(f"warmup_h {self.warmup_h!r} must be in [0, 24]")
        if not 0 < self.step_s <= 10:
            raise SimInputError(f"step_s {self.step_s!r} must be in (0, 10]")
        object.__setattr__(self, "start", self.start.astimezone(UTC))


@lru_cache(maxsize=4)
def scenario_facts(region: str) -> dict[str, Any]:
    path = DATA_DIR / f"{region}.yaml"
    if not path.is_file():
        raise SimInputError(f"no scenario facts for region {region!r} ({path.name} not found)")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SimError(f"{path}: {exc}") from exc
    if not isinstance(doc, dict):
        raise SimError(f"{path}: not a mapping")
    return doc
