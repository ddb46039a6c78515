"""The AIS archive on a LocalCluster, on the two real Vernon days: decode → Parquet → statistics
and tracks, checked against the ingest package decoding the same files directly."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from channelwatch.cli.main import app
from channelwatch.ingest.aisobs import observations
from channelwatch.ingest.decoder import NmeaDecoder
from channelwatch.ingest.observation import AisPosition
from channelwatch.ingest.sources import decode_file
from channelwatch.scale.archive import MANIFEST, build_archive
from channelwatch.scale.errors import ScaleInputError
from channelwatch.scale.stats import (
    NOT_VESSELS,
    archive_stats,
    combine_tracks,
    position_partials,
    speed_summary,
    speed_tenths,
)

DAYS = ("ais_vernon_20160331.log", "ais_vernon_20160401.log")


@pytest.fixture(scope="module")
def vernon(shared_data: Path) -> list[Path]:
    return [shared_data / "ais" / name for name in DAYS]


@pytest.fixture(scope="module")
def direct(vernon: list[Path]) -> dict[str, Any]:
    """What the ingest package says of the same files, decoded here in one process."""
    types: dict[str, int] = {}
    positions: list[AisPosition] = []
    for path in vernon:
        dec = NmeaDecoder(source=path.name)
        for batch in decode_file(path, dec):
            positions += [o for o in observations(batch) if isinstance(o, AisPosition)]
        for k, v in dec.stats.to_dict()["types"].items():
            types[k] = types.get(k, 0) + v
    return {"types": types, "positions": positions}


@pytest.fixture(scope="module")
def archive(vernon: list[Path], dask_local: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("arch") / "vernon.parquet"
    build_archive(vernon, out, dask_local)
    return out


@pytest.fixture(scope="module")
def stats(archive: Path, dask_local: Any) -> dict[str, Any]:
    return archive_stats(archive, dask_local, top=5)


def test_every_dated_message_is_in_the_archive_once(archive: Path, direct: dict[str, Any]) -> None:
    manifest = json.loads((archive / MANIFEST).read_text())
    assert manifest["undated"] == 0
    assert manifest["rows"]["messages"] == sum(direct["types"].values()) == 111_826
    assert manifest["rows"]["positions"] == len(direct["positions"])
    msgs = pd.read_parquet(archive / "messages")
    assert len(msgs) == manifest["rows"]["messages"]
    # Partitions are the UTC date and hour of each message's time.
    t = msgs["time"]
    assert (t.dt.strftime("%Y-%m-%d") == msgs["date"].astype(str)).all()
    assert (t.dt.hour == msgs["hour"].astype(int)).all()
    # The Vernon logs are Paris local time: the first day starts at 22:00 UTC the day before.
    assert t.min().floor("h") == pd.Timestamp("2016-03-30T22:00:00", tz="UTC")
    assert sorted(p.name for p in (archive / "positions").iterdir()) == [
        "date=2016-03-30",
        "date=2016-03-31",
        "date=2016-04-01",
    ]


def test_positions_keep_what_ingest_decoded(archive: Path, direct: dict[str, Any]) -> None:
    pos = pd.read_parquet(archive / "positions").sort_values(["time", "mmsi", "lat", "lon"])
    ref = pd.DataFrame(
        {
            "time": [p.time for p in direct["positions"]],
            "mmsi": [p.mmsi for p in direct["positions"]],
            "lat": [p.lat for p in direct["positions"]],
            "lon": [p.lon for p in direct["positions"]],
            "sog_kn": [p.sog_kn for p in direct["positions"]],
        }
    ).sort_values(["time", "mmsi", "lat", "lon"])
    assert np.array_equal(pos["mmsi"].to_numpy(), ref["mmsi"].to_numpy())
    assert np.allclose(pos["lat"].to_numpy(), ref["lat"].to_numpy())
    assert np.array_equal(pos["sog_kn"].isna().to_numpy(), ref["sog_kn"].isna().to_numpy())


def test_statistics_agree_with_a_direct_count(
    stats: dict[str, Any], direct: dict[str, Any]
) -> None:
    assert stats["messages_per_type"] == {
        k: v for k, v in sorted(direct["types"].items(), key=lambda kv: int(kv[0]))
    }
    assert sum(stats["messages_per_hour"].values()) == stats["messages"] == 111_826
    vessels = [p for p in direct["positions"] if p.msg_type not in NOT_VESSELS]
    assert stats["tracks"]["fixes"] == len(vessels)
    assert stats["tracks"]["vessels"] == len({p.mmsi for p in vessels})
    sog = np.array([p.sog_kn for p in direct["positions"] if p.sog_kn is not None])
    assert stats["speed_kn"]["fixes"] == len(sog)
    for q in (50, 90, 99):
        assert stats["speed_kn"][f"p{q}"] == pytest.approx(
            float(np.quantile(sog, q / 100, method="inverted_cdf")), abs=1e-9
        )
    assert sum(stats["speed_kn"]["histogram"].values()) == len(sog)


def test_tracks_per_mmsi_match_one_pass_over_all_positions(
    stats: dict[str, Any], archive: Path
) -> None:
    pos = pd.read_parquet(archive / "positions")
    pos = pos[~pos["msg_type"].isin(list(NOT_VESSELS))]
    once = combine_tracks([position_partials(pos)]).sort_values("mmsi").reset_index(drop=True)
    by_day = stats["tracks_frame"].sort_values("mmsi").reset_index(drop=True)
    pd.testing.assert_frame_equal(by_day, once, check_exact=False, rtol=1e-9)
    top = stats["tracks"]["top"][0]
    assert top["fixes"] == int(once["fixes"].max())


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 60),
    cuts=st.lists(st.integers(1, 59), max_size=5),
    seed=st.integers(0, 2**32 - 1),
)
def test_tracks_do_not_depend_on_how_time_is_cut_into_pieces(
    n: int, cuts: list[int], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    t0 = datetime(2016, 3, 31, tzinfo=UTC)
    times = sorted(t0 + timedelta(seconds=int(s)) for s in rng.choice(86400, n, replace=False))
    df = pd.DataFrame(
        {
            "mmsi": rng.choice([227000001, 227000002, 227000003], n),
            "time": pd.to_datetime(times, utc=True),
            "lat": 49.1 + rng.normal(0, 0.02, n).cumsum() / 10,
            "lon": 1.45 + rng.normal(0, 0.02, n).cumsum() / 10,
            "sog_kn": np.where(rng.random(n) < 0.2, np.nan, rng.uniform(0, 12, n)),
        }
    )
    bounds = [0, *sorted({c for c in cuts if c < n}), n]
    pieces = [df.iloc[a:b] for a, b in itertools.pairwise(bounds)]
    whole = combine_tracks([position_partials(df)])
    split = combine_tracks([position_partials(p) for p in pieces])
    pd.testing.assert_frame_equal(split, whole, check_exact=False, rtol=1e-9, atol=1e-9)


def test_a_jump_is_counted_and_left_out_of_the_path() -> None:
    t0 = pd.Timestamp("2016-03-31T10:00", tz="UTC")
    df = pd.DataFrame(
        {
            "mmsi": [1, 1, 1],
            "time": [t0, t0 + pd.Timedelta(seconds=10), t0 + pd.Timedelta(seconds=20)],
            "lat": [49.10, 49.10, 49.1001],
            "lon": [1.45, 2.45, 1.45],  # 73 km in 10 s: a bad fix
            "sog_kn": [5.0, 5.0, 5.0],
        }
    )
    row = combine_tracks([position_partials(df)]).iloc[0]
    assert row["jumps"] == 2 and row["path_km"] == 0.0


def test_speed_quantiles_are_exact_on_tenths_of_a_knot() -> None:
    s = pd.Series([0.0, 0.1, 0.1, 5.0, 7.7, 102.2, np.nan])
    summary = speed_summary(speed_tenths(s))
    assert summary["fixes"] == 6
    assert summary["p50"] == 0.1 and summary["p99"] == 102.2
    assert summary["histogram"]["0-0.5"] == 3 and summary["histogram"][">=50"] == 1


def test_an_existing_archive_is_not_overwritten_unless_asked(
    archive: Path, vernon: list[Path], dask_local: Any
) -> None:
    with pytest.raises(ScaleInputError, match="--overwrite"):
        build_archive(vernon, archive, dask_local)
    with pytest.raises(ScaleInputError, match="no such AIS file"):
        build_archive([archive / "missing.log"], archive.parent / "x.parquet", dask_local)


def test_the_commands_build_and_summarise_an_archive(
    vernon: list[Path], tmp_path: Path, dask_local: Any
) -> None:
    address = dask_local.scheduler.address
    out = tmp_path / "one.parquet"
    runner = CliRunner()
    built = runner.invoke(
        app, ["archive", "build", str(vernon[1]), "--out", str(out), "--scheduler", address,
              "--json"],
    )  # fmt: skip
    assert built.exit_code == 0, built.output
    assert json.loads(built.output)["rows"]["messages"] > 50_000
    tracks = tmp_path / "tracks.parquet"
    summary = runner.invoke(
        app, ["archive", "stats", str(out), "--scheduler", address, "--json",
              "--tracks-out", str(tracks)],
    )  # fmt: skip
    assert summary.exit_code == 0, summary.output
    doc = json.loads(summary.output)
    assert doc["days"] == ["2016-03-31", "2016-04-01"]
    assert len(pd.read_parquet(tracks)) == doc["tracks"]["vessels"]
    again = runner.invoke(
        app, ["archive", "build", str(vernon[1]), "--out", str(out), "--scheduler", address]
    )
    assert again.exit_code == 2 and "--overwrite" in again.output
