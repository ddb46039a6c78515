"""``channelwatch decode``: decode AIS NMEA files (plain or gzip), counting what is skipped."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

import typer

from channelwatch.cli.common import console, err_console, handle_errors, print_json


def _json_default(obj: Any) -> Any:
    if isinstance(obj, bytes):
        return base64.b64encode(obj).decode("ascii")
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def register(app: typer.Typer) -> None:
    register_decode(app)
    register_feed(app)


def register_decode(app: typer.Typer) -> None:
    @app.command("decode")
    @handle_errors
    def decode(
        files: list[Path] = typer.Argument(
            ...,
            help="AIS NMEA files (plain or gzip): bare sentences, tag blocks, $PGHP, "
            "or shore-log lines 'YYYY-MM-DD HH:MM:SS, !AIVDM...'.",
        ),
        jsonl: bool = typer.Option(
            False,
            "--jsonl",
            help="Print one JSON object per decoded message (pyais field "
            "names plus time and source).",
        ),
        stats: bool = typer.Option(False, "--stats", help="Print only the counts."),
        as_json: bool = typer.Option(False, "--json", help="Print the counts as one JSON object."),
        strict: bool = typer.Option(
            False,
            "--strict",
            help="Stop at the first bad line (exit code 2) instead of counting it and carrying on.",
        ),
        prefix_tz: str = typer.Option(
            "Europe/Paris", "--prefix-tz", help="Time zone of shore-log line prefixes."
        ),
        source: str | None = typer.Option(
            None,
            "--source",
            help="Receiver name for messages without a tag-block source (default: the file name).",
        ),
    ) -> None:
        """Decode AIS NMEA 0183 (!AIVDM/!AIVDO) files.

        Multi-sentence messages are reassembled; malformed, checksum-failing, orphaned-fragment
        and empty-payload lines are counted by kind and skipped. Position reports and the other
        common types are decoded in bulk with numpy, the rest by pyais; both give pyais's fields.
        """
        from channelwatch.ingest.decoder import NmeaDecoder
        from channelwatch.ingest.sources import read_chunks
        from channelwatch.ingest.stats import DecodeStats

        total = DecodeStats()
        per_file: list[tuple[str, DecodeStats]] = []
        show_progress = not (jsonl or as_json) and err_console.is_terminal
        out = sys.stdout
        for path in files:
            dec = NmeaDecoder(
                source=source if source is not None else path.name,
                prefix_tz=prefix_tz,
                strict=strict,
            )
            size = path.stat().st_size if path.is_file() else 0
            progress = _FileProgress(path.name, size) if show_progress else None
            for chunk in read_chunks(path):
                batch = dec.feed(chunk)
                if jsonl:
                    _write_lines(out, batch.dicts())
                if progress is not None:
                    progress.advance(len(chunk))
            batch = dec.flush()
            if jsonl:
                _write_lines(out, batch.dicts())
            if progress is not None:
                progress.close()
            total.merge(dec.stats)
            per_file.append((str(path), dec.stats))
        if jsonl:
            out.flush()
            if stats:
                err_console.print(_summary_line(total), highlight=False)
            return
        if as_json:
            doc = total.to_dict()
            doc["files"] = [{"file": name, **st.to_dict()} for name, st in per_file]
            print_json(doc)
            return
        _print_table(per_file, total)


def _write_lines(out: Any, dicts: Any) -> None:
    dumps = json.dumps
    out.write("".join(dumps(d, default=_json_default) + "\n" for d in dicts))


class _FileProgress:
    """A rich progress bar over the bytes of one file (compressed files: the compressed size)."""

    def __init__(self, name: str, size: int) -> None:
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        self._p = Progress(
            TextColumn("{task.description}"), BarColumn(), DownloadColumn(), console=err_console
        )
        self._task = self._p.add_task(name, total=size or None)
        self._p.start()

    def advance(self, n: int) -> None:
        self._p.advance(self._task, n)

    def close(self) -> None:
        self._p.stop()


def _summary_line(st: Any) -> str:
    errors = ", ".join(f"{k} {v}" for k, v in sorted(st.errors.items())) or "none"
    return f"{st.decoded} messages decoded from {st.sentences} sentences; skipped: {errors}"


def _print_table(per_file: list[tuple[str, Any]], total: Any) -> None:
    from rich.table import Table

    table = Table(title="AIS decode")
    for col in ("file", "lines", "sentences", "decoded", "skipped", "types"):
        table.add_column(col, justify="left" if col in ("file", "skipped", "types") else "right")
    rows = [*per_file, ("total", total)] if len(per_file) > 1 else per_file
    for path, st in rows:
        name = Path(path).name
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(st.errors.items())) or "-"
        types = " ".join(f"{t}:{n}" for t, n in sorted(st.types.items()))
        table.add_row(name, str(st.lines), str(st.sentences), str(st.decoded), skipped, types)
    console.print(table)
    if total.warnings:
        notes = ", ".join(f"{k} {v}" for k, v in sorted(total.warnings.items()))
        console.print(f"warnings (kept): {notes}", highlight=False)


def _parse_endpoint(text: str) -> tuple[str, str, int] | None:
    """("tcp"|"udp", host, port) of ``tcp://host:port`` / ``udp://host:port``; None for a path."""
    from channelwatch.ingest.errors import SourceInputError

    scheme, sep, rest = text.partition("://")
    if not sep:
        return None
    host, colon, port = rest.rpartition(":")
    if scheme not in ("tcp", "udp") or not colon or not host or not port.isdigit():
        raise SourceInputError(
            f"source must be tcp://host:port, udp://host:port or a file: {text!r}"
        )
    return scheme, host, int(port)


def _observation_json(obs: Any) -> dict[str, Any]:
    from dataclasses import asdict

    d = asdict(obs)
    d["kind"] = type(obs).__name__
    return d


def register_feed(app: typer.Typer) -> None:
    @app.command("feed")
    @handle_errors
    def feed(
        source: str = typer.Argument(
            ...,
            help="tcp://host:port (client, reconnects), udp://host:port (listener), "
            "or a file to replay.",
        ),
        speed: float = typer.Option(
            1.0,
            "--speed",
            help="Replay speed for a file: 60 = one hour per minute, inf = as fast as possible.",
        ),
        limit: int | None = typer.Option(None, "--limit", help="Stop after N observations."),
        seconds: float | None = typer.Option(None, "--seconds", help="Stop after S seconds."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per observation."),
        prefix_tz: str = typer.Option(
            "Europe/Paris", "--prefix-tz", help="Time zone of shore-log line prefixes."
        ),
    ) -> None:
        """Follow a live AIS feed, or replay a recording, printing each observation."""
        import asyncio

        asyncio.run(_follow(source, speed, limit, seconds, as_json, prefix_tz))


async def _follow(
    source: str,
    speed: float,
    limit: int | None,
    seconds: float | None,
    as_json: bool,
    prefix_tz: str,
) -> None:
    import asyncio
    import contextlib

    from channelwatch.ingest.sources import ReplaySource, TcpSource, UdpSource

    endpoint = _parse_endpoint(source)
    count = 0

    async def pump(it: Any) -> None:
        nonlocal count
        async for obs in it:
            if as_json:
                print_json(_observation_json(obs))
            else:
                console.print(_observation_line(obs), highlight=False)
            count += 1
            if limit is not None and count >= limit:
                return

    async def run() -> None:
        if endpoint is None:
            await pump(ReplaySource(source, speed=speed, prefix_tz=prefix_tz))
        elif endpoint[0] == "tcp":
            await pump(TcpSource(endpoint[1], endpoint[2], prefix_tz=prefix_tz))
        else:
            async with UdpSource(endpoint[1], endpoint[2], prefix_tz=prefix_tz) as udp:
                await pump(udp)

    if seconds is None:
        await run()
    else:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(run(), seconds)


def _observation_line(obs: Any) -> str:
    t = obs.time.strftime("%Y-%m-%d %H:%M:%S")
    if type(obs).__name__ == "AisPosition":
        sog = "-" if obs.sog_kn is None else f"{obs.sog_kn:.1f} kn"
        return f"{t}  {obs.mmsi:>9}  pos {obs.lat:.5f} {obs.lon:.5f}  {sog}"
    return f"{t}  {obs.mmsi:>9}  static {obs.name or '-'} type {obs.ship_type or '-'}"
