"""Fixtures of the federation tests: real SAR regions, two centres' ledgers, the 24 Nov pattern."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))

from fed_helpers import Centres, make_centres

from channelwatch.cases import CaseBook
from channelwatch.cases.scenario import run_scenario
from channelwatch.cases.srr import lookup_from_geojson
from channelwatch.events import Event, MemorySink

Lookup = Callable[[float, float], str | None]


@pytest.fixture(scope="session")
def srr(shared_data: Path) -> Lookup:
    """FR/GB SAR regions from the shared data (1988 line and its extension)."""
    return lookup_from_geojson(shared_data / "geography" / "sar_regions.geojson")


@pytest.fixture(scope="session")
def nov2021_events(repo_root: Path, srr: Lookup) -> list[Event]:
    """Every event of the 24 November 2021 pattern (tests/cases/data), as one book records it."""
    doc: dict[str, Any] = yaml.safe_load(
        (repo_root / "tests" / "cases" / "data" / "nov2021_pattern.yaml").read_text("utf-8")
    )
    sink = MemorySink()
    run_scenario(doc, CaseBook(sink, srr))
    return sink.events


@pytest.fixture()
def centres(tmp_path: Path, srr: Lookup) -> Iterator[Centres]:
    """Two nodes, FR and GB, on fresh ledgers that know each other's public key."""
    c = make_centres(tmp_path, srr)
    try:
        yield c
    finally:
        c.close()
