"""Fixtures of the Dask tests: one LocalCluster (two worker processes) for the whole folder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def dask_local() -> Iterator[Any]:
    """A client of a LocalCluster of 2 worker processes, 1 thread each (as the CLI default)."""
    from channelwatch.scale.cluster import dask_client

    with dask_client(workers=2) as client:
        yield client
