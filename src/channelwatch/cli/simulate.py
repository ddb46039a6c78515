"""``channelwatch simulate``: a realistic Channel scenario, written to a folder."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from channelwatch.cli.common import console, handle_errors, print_json
from channelwatch.sim.errors import SimInputError


@handle_errors
def simulate_cmd(
    start: str = typer.Option(..., "--start", help="First instant, ISO 8601 with offset (UTC)."),
    hours: float = typer.Option(6.0, "--hours", help="Scenario length in hours (up to 72)."),
    seed: int = typer.Option(1, "--seed", help="Random seed: the same seed gives the same files."),
    out: Path = typer.Option(..., "--out", help="Folder to write the scenario into."),
    demo: bool = typer.Option(
        False, "--demo", help="Add scripted incidents that show every part of the product early."
    ),
    warmup_h: float = typer.Option(4.0, "--warmup-h", help="Hours simulated before --start."),
    json_out: bool = typer.Option(False, "--json", help="Print the scenario summary as JSON."),
) -> None:
    """Generate the traffic a Dover Strait coordination centre receives: ships in the TSS lanes,
    ferries, fishing boats, patrol and rescue assets, small boats launched at the rate of the
    Home Office series, taxi-boat pick-ups, engine failures and drift, distress calls, radar
    plots and aerial sightings; and the ground truth. Writes ais.nmea, contacts.jsonl,
    truth.csv, truth_events.jsonl and scenario.json."""
    from channelwatch.sim.config import ScenarioConfig
    from channelwatch.sim.world import World
    from channelwatch.sim.writer import write_scenario

    try:
        t0 = datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        raise SimInputError(f"--start {start!r} is not an ISO 8601 date-time") from None
    cfg = ScenarioConfig(start=t0, hours=hours, seed=seed, demo=demo, warmup_h=warmup_h)
    with console.status("simulating ...", spinner="dots"):
        world = World(cfg)
        result = world.run()
        summary = world.summary()
        paths = write_scenario(result, summary, out)
    if json_out:
        print_json({**summary, "files": {k: str(v) for k, v in paths.items()}})
        return
    c = summary["counts"]
    console.print(
        f"scenario {summary['start']} +{hours:g} h, seed {seed}: {c['ais_lines']} AIS lines, "
        f"{c['contacts']} contacts, {c['calls']} calls, {c['events']} events -> {out}"
    )


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_cmd)
