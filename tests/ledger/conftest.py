"""Fixtures of the ledger tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ledger_testkit import vernon_events

from channelwatch.events import Event
from channelwatch.ledger import Ledger


@pytest.fixture(scope="session")
def real_events(shared_data: Path) -> list[Event]:
    """2,000 real AIS sentences (Seine at Vernon, 31 March 2016) as ledger events."""
    return list(vernon_events(shared_data, 2000))


@pytest.fixture()
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger.create(tmp_path / "record.db", origin="test.channelwatch/ledger") as led:
        yield led
