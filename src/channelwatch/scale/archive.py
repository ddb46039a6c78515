"""AIS history as a partitioned Parquet archive: decode → tables → ``date=/hour=`` partitions.

One task per input file (a file is one stream: fragments and times carry from line to line), so
files decode in parallel on as many Dask workers as there are files. Each task decodes with the
ingest package's bulk path and writes three datasets under the archive:

* ``messages/`` — every decoded message with a time: ``time``, ``msg_type``, ``mmsi``,
  ``source``;
* ``positions/`` — every position report (``channelwatch.ingest`` observations, "not available"
  codes as nulls): ``time``, ``mmsi``, ``msg_type``, ``lat``, ``lon``, ``sog_kn``, ``cog_deg``,
  ``heading_deg``, ``nav_status``, ``source``;
* ``statics/`` — voyage and static data: ``time``, ``mmsi``, ``msg_type``, ``name``,
  ``ship_type``, ``length_m``, ``destination``, ``source``;

all partitioned by UTC ``date`` (``YYYY-MM-DD``) and ``hour`` (0–23), file names carrying the
input's name, plus ``_manifest.json`` (inputs, decode counts per input). Messages without a time
are counted, not stored.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from channelwatch.ingest.batch import DecodedBatch
from channelwatch.ingest.observation import AisPosition, AisStatic
from channelwatch.scale.errors import ScaleInputError

DATASETS: Final = ("messages", "positions", "statics")
MANIFEST: Final = "_manifest.json"
FORMAT: Final = "channelwatch.ais-archive/1"
F64 = npt.NDArray[np.float64]


@dataclass(slots=True)
class Columns:
    """Columns of one dataset, appended batch by batch (``time_s``: UNIX seconds)."""

    names: tuple[str, ...]
    data: dict[str, list[Any]]

    @classmethod
    def empty(cls, *names: str) -> Columns:
        return cls(("time_s", *names), {n: [] for n in ("time_s", *names)})

    def extend(self, **cols: Sequence[Any]) -> None:
        for name in self.names:
            self.data[name].extend(cols[name])

    def __len__(self) -> int:
        return len(self.data["time_s"])


def message_columns(batch: DecodedBatch, out: Columns) -> int:
    """Append every dated message of a batch (time, type, MMSI, source); returns the undated."""
    undated = 0
    for g in batch.groups:
        t = g.time_s
        keep = ~np.isnan(t)
        undated += int(np.count_nonzero(~keep))
        if not keep.any():
            continue
        idx = np.flatnonzero(keep)
        mmsi = g.columns["mmsi"][0][idx].astype(np.int64)
        names = g.source_names
        out.extend(
            time_s=t[idx].tolist(),
            msg_type=[g.msg_type] * len(idx),
            mmsi=mmsi.tolist(),
            source=[names[c] for c in g.source_code[idx].tolist()],
        )
    for s in batch.singles:
        if np.isnan(s.time_s):
            undated += 1
            continue
        out.extend(
            time_s=[s.time_s],
            msg_type=[s.msg_type],
            mmsi=[int(s.message.mmsi)],
            source=[s.source],
        )
    return undated


def observation_columns(
    observations: Iterable[AisPosition | AisStatic], positions: Columns, statics: Columns
) -> None:
    """Append observations to the position and static columns."""
    obs = list(observations)
    pos = [o for o in obs if isinstance(o, AisPosition)]
    st = [o for o in obs if isinstance(o, AisStatic)]
    positions.extend(
        time_s=[o.time.timestamp() for o in pos],
        mmsi=[o.mmsi for o in pos],
        msg_type=[o.msg_type for o in pos],
        lat=[o.lat for o in pos],
        lon=[o.lon for o in pos],
        sog_kn=[o.sog_kn for o in pos],
        cog_deg=[o.cog_deg for o in pos],
        heading_deg=[o.heading_deg for o in pos],
        nav_status=[o.nav_status for o in pos],
        source=[o.source for o in pos],
    )
    statics.extend(
        time_s=[o.time.timestamp() for o in st],
        mmsi=[o.mmsi for o in st],
        msg_type=[o.msg_type for o in st],
        name=[o.name for o in st],
        ship_type=[o.ship_type for o in st],
        length_m=[o.length_m for o in st],
        destination=[o.destination for o in st],
        source=[o.source for o in st],
    )


def _table(cols: Columns) -> Any:
    """A pyarrow table with ``time`` (UTC, µs), ``date`` and ``hour`` from ``time_s``."""
    import pyarrow as pa

    t = np.asarray(cols.data["time_s"], dtype=np.float64)
    us = np.round(t * 1e6).astype(np.int64)
    days = us.astype("datetime64[us]").astype("datetime64[D]")
    hour = ((us // 3_600_000_000) % 24).astype(np.int8)
    arrays: dict[str, Any] = {
        "time": pa.array(us, type=pa.timestamp("us", tz="UTC")),
        "date": pa.array(np.datetime_as_string(days), type=pa.string()),
        "hour": pa.array(hour, type=pa.int8()),
    }
    types = {
        "msg_type": pa.int8(),
        "mmsi": pa.int64(),
        "lat": pa.float64(),
        "lon": pa.float64(),
        "sog_kn": pa.float64(),
        "cog_deg": pa.float64(),
        "heading_deg": pa.int16(),
        "nav_status": pa.int8(),
        "ship_type": pa.int16(),
        "length_m": pa.int32(),
    }
    for name in cols.names[1:]:
        arrays[name] = pa.array(cols.data[name], type=types.get(name, pa.string()))
    return pa.table(arrays)


def input_tag(path: Path) -> str:
    """A file-name-safe tag of an input: its stem and a hash of its full path."""
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:8]
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in path.name)
    return f"{stem}-{digest}"


def write_partitions(table: Any, root: Path, tag: str) -> int:
    """Write a table under ``root`` partitioned by date and hour; returns the rows written."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    if table.num_rows == 0:
        return 0
    ds.write_dataset(
        table,
        root,
        format="parquet",
        partitioning=ds.partitioning(
            pa.schema([("date", pa.string()), ("hour", pa.int8())]), flavor="hive"
        ),
        basename_template=f"{tag}-{{i}}.parquet",
        existing_data_behavior="overwrite_or_ignore",
    )
    return int(table.num_rows)


def build_one(path: str, out: str, prefix_tz: str = "Europe/Paris") -> dict[str, Any]:
    """Decode one AIS file and write its partitions under ``out`` (a Dask task)."""
    from channelwatch.ingest.aisobs import observations
    from channelwatch.ingest.decoder import NmeaDecoder
    from channelwatch.ingest.sources import decode_file

    src = Path(path)
    decoder = NmeaDecoder(source=src.name, prefix_tz=prefix_tz)
    messages = Columns.empty("msg_type", "mmsi", "source")
    positions = Columns.empty(
        "mmsi",
        "msg_type",
        "lat",
        "lon",
        "sog_kn",
        "cog_deg",
        "heading_deg",
        "nav_status",
        "source",
    )
    statics = Columns.empty(
        "mmsi", "msg_type", "name", "ship_type", "length_m", "destination", "source"
    )
    undated = 0
    for batch in decode_file(src, decoder):
        undated += message_columns(batch, messages)
        observation_columns(observations(batch), positions, statics)
    tag = input_tag(src)
    rows = {
        name: write_partitions(_table(cols), Path(out) / name, tag)
        for name, cols in zip(DATASETS, (messages, positions, statics), strict=True)
    }
    return {
        "input": str(src),
        "tag": tag,
        "rows": rows,
        "undated": undated,
        "decode": decoder.stats.to_dict(),
    }


def check_inputs(files: Sequence[str | Path]) -> list[Path]:
    paths = [Path(f) for f in files]
    if not paths:
        raise ScaleInputError("give at least one AIS file")
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ScaleInputError(f"no such AIS file: {', '.join(missing)}")
    return paths


def prepare_out(out: Path, overwrite: bool) -> None:
    if out.exists():
        if not overwrite:
            raise ScaleInputError(f"{out} exists: give --overwrite to replace it")
        if not (out / MANIFEST).is_file() and any(out.iterdir()):
            raise ScaleInputError(f"{out} is not an AIS archive: not replacing it")
        shutil.rmtree(out)
    out.mkdir(parents=True)


def build_archive(
    files: Sequence[str | Path],
    out: str | Path,
    client: Any,
    *,
    overwrite: bool = False,
    prefix_tz: str = "Europe/Paris",
    on_done: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Decode ``files`` in parallel on ``client``'s workers into the archive ``out``; returns the
    manifest (also written to ``out/_manifest.json``)."""
    import distributed

    as_completed: Any = distributed.as_completed
    paths = check_inputs(files)
    root = Path(out)
    prepare_out(root, overwrite)
    futures = client.map(
        build_one,
        [str(p.resolve()) for p in paths],
        out=str(root.resolve()),
        prefix_tz=prefix_tz,
        pure=False,
    )
    results: dict[str, dict[str, Any]] = {}
    for future in as_completed(futures):
        r = future.result()
        results[r["input"]] = r
        if on_done is not None:
            on_done(r)
    ordered = [results[str(p.resolve())] for p in paths]
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "prefix_tz": prefix_tz,
        "inputs": ordered,
        "rows": {name: sum(r["rows"][name] for r in ordered) for name in DATASETS},
        "undated": sum(r["undated"] for r in ordered),
    }
    (root / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def read_manifest(archive: str | Path) -> dict[str, Any]:
    path = Path(archive) / MANIFEST
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ScaleInputError(f"{archive} is not an AIS archive ({path}: {exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ScaleInputError(f"{archive}: manifest format is not {FORMAT}")
    return doc
