"""Shared fixtures. ``shared_data`` is the folder of real public data beside the checkout."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))


def _shared_data_dir() -> Path:
    env = os.environ.get("CHANNELWATCH_SHARED_DATA")
    candidates = [Path(env)] if env else []
    candidates += [REPO.parent / "shared" / "data", Path("/work/shared/data")]
    for c in candidates:
        if (c / "README.md").is_file():
            return c
    raise RuntimeError(
        "real data not found: set CHANNELWATCH_SHARED_DATA or put shared/data beside the checkout"
    )


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path of ``../shared/data`` (real data: AIS, geography, forcing, statistics)."""
    return _shared_data_dir()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL (with PostGIS) on 127.0.0.1 for this test session."""
    from servers import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture()
def nats_url() -> Iterator[str]:
    """A real nats-server with JetStream on 127.0.0.1 for one test."""
    from servers import nats_server

    with nats_server() as url:
        yield url
