from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from channelwatch.errors import InputError
from channelwatch.search.particles import read_particle_file


def test_reads_the_last_step_and_counts_the_lost(opendrift_like_file: Path) -> None:
    path = opendrift_like_file
    snap = read_particle_file(path)
    assert snap.time == datetime(2024, 9, 3, 6, tzinfo=UTC)
    assert snap.n_total == 5 and snap.n_stranded == 1 and snap.n_lost == 1
    assert snap.lat == pytest.approx([50.902, 50.912, 50.922], abs=1e-5)
    assert snap.weight == pytest.approx([1.0, 1.0, 1.0])


def test_nearest_step_and_out_of_range(opendrift_like_file: Path) -> None:
    path = opendrift_like_file
    snap = read_particle_file(path, datetime(2024, 9, 3, 4, 20, tzinfo=UTC))
    assert snap.time == datetime(2024, 9, 3, 4, tzinfo=UTC)
    assert snap.lat.size == 5
    with pytest.raises(InputError, match="no time step near"):
        read_particle_file(path, datetime(2024, 9, 4, tzinfo=UTC))


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such"):
        read_particle_file(tmp_path / "missing.nc")
    junk = tmp_path / "junk.nc"
    junk.write_text("not netcdf")
    with pytest.raises(InputError, match="not a NetCDF"):
        read_particle_file(junk)
