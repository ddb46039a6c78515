"""``channelwatch cases``: replay calls and decisions, or rebuild case states from events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from channelwatch.cli.common import console, handle_errors, print_json

cases_app = typer.Typer(
    help="SAR cases: replay calls and decisions, rebuild case states from an event history.",
    no_args_is_help=True,
)


def _load_document(path: Path) -> Any:
    import json

    import yaml

    from channelwatch.cases.errors import ScenarioError

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot read {path}: {exc.strerror}") from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ScenarioError(
            f"{path}: not valid {path.suffix.lstrip('.') or 'YAML'}: {exc}"
        ) from None


def _persons_cell(c: dict[str, Any]) -> str:
    p = c["persons"]
    if c["status"] == "merged":
        return f"in {c['closure']['merged_into']}" if c["closure"] else ""
    figure = "?" if p["figure"] is None else str(p["figure"])
    text = f"{p['accounted']}/{figure}"
    if p["missing"]:
        text += f", {p['missing']} missing"
    if p["claimed_unverified"]:
        text += f", {p['claimed_unverified']} claimed"
    return text


def _print_cases(cases: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table(title="Cases (persons: accounted/reported)")
    for name in ("case", "centre", "status", "reports", "persons", "tasks", "handover"):
        table.add_column(name, no_wrap=name in ("case", "centre"))
    table.add_column("maybe same as")
    for c in cases:
        active = sum(1 for t in c["tasks"] if t["status"] not in ("complete", "cancelled"))
        table.add_row(
            c["case_id"],
            c["centre"],
            c["status"],
            str(len(c["reports"])),
            _persons_cell(c),
            f"{active} active" if active else str(len(c["tasks"])),
            c["pending_handover"] or "",
            ", ".join(c["possibly_same_as"]),
        )
    console.print(table)


def _write_events(path: Path, events: Any) -> None:
    import json

    from channelwatch.cases.codec import event_to_dict

    with path.open("w", encoding="utf-8") as fh:
        for e in events:
            fh.write(json.dumps(event_to_dict(e), ensure_ascii=False) + "\n")


@cases_app.command("replay")
@handle_errors
def replay_cmd(
    scenario: Path = typer.Argument(..., help="Scenario file (YAML or JSON): actors and steps."),
    sar_regions: Path | None = typer.Option(
        None, "--sar-regions", help="GeoJSON of FR/GB SAR-region polygons (default: region model)."
    ),
    events_out: Path | None = typer.Option(
        None, "--events-out", help="Write every event recorded, one JSON object a line."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Run a scenario's calls, sightings and decisions; print the resulting cases.

    Refused commands are part of a replay and are listed; the exit code is 1 only if a step
    carrying ``expect: ok|refused`` did otherwise.
    """
    from rich.progress import Progress

    from channelwatch.cases.book import CaseBook
    from channelwatch.cases.codec import case_to_dict
    from channelwatch.cases.errors import ScenarioError
    from channelwatch.cases.scenario import run_scenario
    from channelwatch.cases.srr import default_lookup
    from channelwatch.events import MemorySink

    doc = _load_document(scenario)
    if not isinstance(doc, dict):
        raise ScenarioError(f"{scenario}: a scenario is a mapping with 'actors' and 'steps'")
    sink = MemorySink()
    book = CaseBook(sink, default_lookup(sar_regions))
    n_steps = len(doc.get("steps") or [])
    with Progress(console=console, transient=True, disable=json_out or n_steps < 500) as bar:
        task = bar.add_task("replaying", total=n_steps)
        result = run_scenario(doc, book, on_step=lambda _s: bar.advance(task))
    if events_out is not None:
        _write_events(events_out, sink.events)
    cases = [case_to_dict(c) for c in book.cases.values()]
    if json_out:
        print_json(
            {
                "title": result.title,
                "cases": cases,
                "steps": [s.to_dict() for s in result.steps],
                "refused": len(result.refused),
                "unexpected": [s.index for s in result.unexpected],
                "events": len(sink.events),
            }
        )
    else:
        if result.title:
            console.print(f"[bold]{result.title}[/]")
        _print_cases(cases)
        if result.refused:
            console.print(f"[bold]{len(result.refused)} command(s) refused[/] (nothing changed):")
            for s in result.refused:
                mark = "" if s.as_expected is not False else " [red](unexpected)[/]"
                console.print(f"  step {s.index} {s.at} {s.op}: {s.error}{mark}", highlight=False)
        console.print(f"{len(sink.events)} events recorded")
    if result.unexpected:
        bad = ", ".join(str(s.index) for s in result.unexpected)
        raise typer.Exit(1) from ScenarioError(f"steps not as expected: {bad}")


@cases_app.command("rebuild")
@handle_errors
def rebuild_cmd(
    events_file: Path = typer.Argument(..., help="Events, one JSON object a line (--events-out)."),
    json_out: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Rebuild every case from its event history (what a server does on start) and print them."""
    import json

    from rich.progress import track

    from channelwatch.cases.book import CaseBook
    from channelwatch.cases.codec import case_to_dict, event_from_dict
    from channelwatch.cases.errors import HistoryError
    from channelwatch.events import MemorySink

    try:
        lines = events_file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise HistoryError(f"cannot read {events_file}: {exc.strerror}") from None
    events = []
    for n, line in enumerate(
        track(lines, description="reading", console=console, disable=json_out or len(lines) < 5000),
        start=1,
    ):
        if not line.strip():
            continue
        try:
            events.append(event_from_dict(json.loads(line)))
        except ValueError as exc:
            raise HistoryError(f"{events_file}:{n}: {exc}") from None
    # No command runs here, so no SAR-region lookup is needed: positions are in the events.
    book = CaseBook.rebuild(events, MemorySink(), lambda _lat, _lon: None)
    cases = [case_to_dict(c) for c in book.cases.values()]
    if json_out:
        print_json({"cases": cases, "events": len(events)})
    else:
        _print_cases(cases)
        console.print(f"{len(events)} events replayed")


def register(app: typer.Typer) -> None:
    app.add_typer(cases_app, name="cases")
