"""Fixtures of the SAR-case tests: the SAR-region lookup on real geometry, the 24 Nov pattern."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from channelwatch.cases.srr import lookup_from_geojson

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def srr_lookup(shared_data: Path) -> Callable[[float, float], str | None]:
    """FR/GB SAR regions from the shared data (1988 treaty line plus its extension)."""
    return lookup_from_geojson(shared_data / "geography" / "sar_regions.geojson")


@pytest.fixture(scope="session")
def nov2021_doc() -> dict[str, Any]:
    doc = yaml.safe_load((DATA / "nov2021_pattern.yaml").read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def _line_lookup(lat: float, lon: float) -> str | None:
    return "GB" if lon < 1.5 else "FR"


@pytest.fixture(scope="session")
def line_srr() -> Callable[[float, float], str | None]:
    """A synthetic split for unit tests that need no geometry: west of 1.5E is GB, east FR."""
    return _line_lookup
