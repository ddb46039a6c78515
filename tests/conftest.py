"""Shared fixtures. ``shared_data`` is the folder of real public data beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


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
