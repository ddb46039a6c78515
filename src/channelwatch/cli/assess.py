"""``channelwatch assess``: the distress phase of a boat and the factors that raised it."""

from __future__ import annotations

from pathlib import Path

import typer

from channelwatch.cli.common import console, handle_errors, print_json


def register(app: typer.Typer) -> None:
    @app.command("assess")
    @handle_errors
    def assess_cmd(
        situation: Path = typer.Argument(..., help="Situation JSON file (its action is ignored)."),
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """Assess a boat: SAR phase (uncertainty / alert / distress), factors, time left."""
        from channelwatch.doctrine import assess_situation, load_situation

        place, assessment = assess_situation(load_situation(situation))
        if as_json:
            out = assessment.to_dict()
            out["place"] = place.to_dict()
            print_json(out)
            return
        console.print(f"[bold]{assessment.summary}[/]", highlight=False)
        for f in assessment.factors:
            console.print(f"  - {f.text} [dim]({f.raises.value}; {f.basis})[/]", highlight=False)
        s = assessment.survival
        console.print(
            f"  water {s.water_temp_c:g} °C: survival ~{s.with_lifejacket_min:.0f} min with a"
            f" lifejacket, ~{s.without_lifejacket_min:.0f} min without"
        )
        if assessment.nearest_eta_min is not None:
            console.print(
                f"  nearest rescue ETA ~{assessment.nearest_eta_min:.0f} min;"
                f" {assessment.time_left_text}"
            )
        for note in assessment.assumptions:
            console.print(f"  [italic]assumed: {note}[/]")
