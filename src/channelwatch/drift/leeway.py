"""Leeway object classes: the published table of downwind and crosswind coefficients.

Each class gives, for the 10 m wind speed ``W`` in m/s, the leeway of the object relative to the
surface current in cm/s as a linear regression ``slope × W + offset`` with the standard deviation
of its residuals: one regression downwind and one crosswind for each side (right or left of the
downwind direction). Slopes are in percent of the wind (so ``slope × W`` is in cm/s), offsets and
standard deviations in cm/s, exactly as published.

The numbers are those of the USCG SAROPS leeway table (Allen & Plourde 1999, CG-D-08-99;
Allen 2005, CG-D-05-05) as extended by Breivik et al. (2011, 2012). Class 900
``CHANNEL-INFLATABLE-10M`` is ChannelWatch's own proxy for the overloaded Channel inflatable,
for which no field measurement exists; docs/drift.md says how it was chosen.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from channelwatch.drift.errors import UnknownObjectClassError

CHANNEL_INFLATABLE_KEY = "CHANNEL-INFLATABLE-10M"


@dataclass(frozen=True, slots=True)
class SideCoefficients:
    """One regression: ``leeway_cms = slope_pct × wind_ms + offset_cms`` ± ``std_cms``."""

    slope_pct: float
    offset_cms: float
    std_cms: float


@dataclass(frozen=True, slots=True)
class LeewayClass:
    """One row of the leeway table."""

    number: int
    key: str
    level: int  # 0 main class (mean values), 1.. sub-classes
    description: str
    downwind: SideCoefficients
    crosswind_right: SideCoefficients
    crosswind_left: SideCoefficients

    @property
    def is_proxy(self) -> bool:
        """True for classes ChannelWatch added without field measurements."""
        return self.number >= 900

    def to_dict(self) -> dict[str, object]:
        def side(s: SideCoefficients) -> dict[str, float]:
            return {"slope_pct": s.slope_pct, "offset_cms": s.offset_cms, "std_cms": s.std_cms}

        return {
            "number": self.number,
            "key": self.key,
            "level": self.level,
            "description": self.description,
            "downwind": side(self.downwind),
            "crosswind_right": side(self.crosswind_right),
            "crosswind_left": side(self.crosswind_left),
            "proxy": self.is_proxy,
        }


def _parse(text: str) -> tuple[LeewayClass, ...]:
    rows = csv.DictReader(io.StringIO("".join(ln for ln in text.splitlines(True) if ln[:1] != "#")))
    out = []
    for r in rows:

        def side(prefix: str, row: dict[str, str] = r) -> SideCoefficients:
            return SideCoefficients(
                float(row[f"{prefix}_slope_pct"]),
                float(row[f"{prefix}_offset_cms"]),
                float(row[f"{prefix}_std_cms"]),
            )

        out.append(
            LeewayClass(
                number=int(r["number"]),
                key=r["key"],
                level=int(r["level"]),
                description=r["description"],
                downwind=side("dw"),
                crosswind_right=side("cwr"),
                crosswind_left=side("cwl"),
            )
        )
    return tuple(out)


@cache
def leeway_classes() -> tuple[LeewayClass, ...]:
    """All object classes, in table order (cached)."""
    text = resources.files("channelwatch.drift").joinpath("data/leeway_classes.csv").read_text()
    return _parse(text)


def get_leeway_class(name: str | int) -> LeewayClass:
    """Look a class up by its key (``LIFE-RAFT-NB-1``, case-insensitive) or its number (``26``)."""
    classes = leeway_classes()
    text = str(name).strip()
    if text.isdigit():
        for c in classes:
            if c.number == int(text):
                return c
    else:
        for c in classes:
            if c.key.upper() == text.upper():
                return c
    raise UnknownObjectClassError(
        f"unknown leeway object class {name!r}: give a key such as LIFE-RAFT-NB-1 or a number "
        f"1-{max(c.number for c in classes if not c.is_proxy)} or {CHANNEL_INFLATABLE_KEY} "
        "(see `channelwatch drift-classes`)"
    )


def find_leeway_classes(text: str) -> list[LeewayClass]:
    """Classes whose key or description contains ``text`` (case-insensitive)."""
    needle = text.lower()
    return [
        c for c in leeway_classes() if needle in c.key.lower() or needle in c.description.lower()
    ]
