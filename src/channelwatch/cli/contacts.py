"""``channelwatch contacts``: validate contact reports and distress calls (JSON, JSONL, CSV)."""

from __future__ import annotations

from pathlib import Path

import typer

from channelwatch.cli.common import console, handle_errors, print_json


def register(app: typer.Typer) -> None:
    @app.command("contacts")
    @handle_errors
    def contacts(
        files: list[Path] = typer.Argument(
            ..., help="Contact report / distress call files: .json, .jsonl or .csv."
        ),
        as_json: bool = typer.Option(
            False, "--json", help="Print accepted records and rejections as one JSON object."
        ),
        strict: bool = typer.Option(
            False, "--strict", help="Stop at the first bad record (exit code 2)."
        ),
    ) -> None:
        """Read and validate radar plots, aerial/drone sightings and distress calls.

        A bad record is rejected with a message naming the field; the others are kept.
        """
        from channelwatch.ingest.contacts import read_contacts, to_dict

        accepted: list[dict[str, object]] = []
        rejected: list[dict[str, object]] = []
        for path in files:
            got = read_contacts(path, strict=strict)
            accepted.extend(to_dict(obs) for obs in got.accepted)
            rejected.extend(
                {"file": str(path), "record": r.record, "field": r.field, "message": r.message}
                for r in got.rejected
            )
        if as_json:
            print_json({"accepted": len(accepted), "rejected": rejected, "records": accepted})
            return
        calls = sum(1 for r in accepted if r["kind"] == "call")
        console.print(
            f"accepted {len(accepted)} records ({len(accepted) - calls} contacts, {calls} calls), "
            f"rejected {len(rejected)}",
            highlight=False,
        )
        for r in rejected:
            console.print(f"  [red]rejected[/] {r['file']}: {r['message']}", highlight=False)
