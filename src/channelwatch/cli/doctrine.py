"""``channelwatch doctrine``: list, show and evaluate the policies of the doctrine in force."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from channelwatch.cli.common import console, handle_errors, print_json

if TYPE_CHECKING:
    from channelwatch.doctrine import Advice, Library, Verdict

_COLOUR = {"permitted": "green", "prohibited": "bold red", "required": "bold yellow"}
_PHASE_COLOUR = {"none": "green", "uncertainty": "cyan", "alert": "yellow", "distress": "bold red"}

POLICIES_OPT = typer.Option(
    None,
    "--policies",
    help="Extra policy files or folders of *.yaml (safety-of-life cannot be replaced).",
)


def _library(policies: list[Path] | None) -> Library:
    from channelwatch.doctrine import load_library

    return load_library(policies or [])


def _print_verdict(verdict: Verdict) -> None:
    colour = _COLOUR[verdict.verdict]
    console.print(
        f"[bold]{verdict.action.value}[/]: [{colour}]{verdict.verdict.upper()}[/]"
        f"  under {verdict.policy} {verdict.policy_version} ({verdict.policy_status})"
    )
    for r in verdict.reasons:
        mark = {"prohibit": "✗", "require": "!", "permit": "✓"}.get(r.effect, "·")
        console.print(f"  {mark} [bold]{r.rule}[/] ({r.effect}, on {r.action}): {r.text}")
        console.print(f"      [dim]{r.citation}[/]", highlight=False)


def _print_advice(advice: Advice) -> None:
    a = advice.assessment
    console.print(
        f"[{_PHASE_COLOUR[a.phase.value]}]{a.summary}[/]",
        highlight=False,
    )
    for f in a.factors:
        console.print(f"  - {f.text} [dim]({f.raises.value}; {f.basis})[/]", highlight=False)
    if a.nearest_eta_min is not None:
        nearest = min(
            (x for x in a.rescue_assets if x.eta_min is not None), key=lambda x: x.eta_min or 0.0
        )
        console.print(
            f"  nearest rescue: {nearest.name} ({nearest.country}), {nearest.distance_nm:.1f} nm,"
            f" ~{a.nearest_eta_min:.0f} min; {a.time_left_text}"
        )
    for note in a.assumptions:
        console.print(f"  [italic]assumed: {note}[/]")
    console.print()
    for v in advice.verdicts.values():
        _print_verdict(v)
    required = next(iter(advice.verdicts.values())).required_actions
    if required:
        console.print(f"[bold yellow]required: {', '.join(x.value for x in required)}[/]")
    console.print(f"[dim]policy hash {advice.policy_hash}[/]")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="The doctrine in force: versioned, cited policies; safety of life always wins.",
        no_args_is_help=True,
    )
    app.add_typer(group, name="doctrine")

    @group.command("list")
    @handle_errors
    def list_(
        policies: list[Path] | None = POLICIES_OPT,
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """List the loaded policies (id, version, status, effective date)."""
        library = _library(policies)
        rows = [library.get(n) for n in library.names()]
        if as_json:
            print_json(
                [
                    {
                        "id": p.id,
                        "version": p.version,
                        "status": p.status,
                        "effective": p.effective,
                        "title": p.title,
                        "always_in_force": p.always_in_force,
                        "extends": p.extends,
                        "rules": len(p.rules),
                    }
                    for p in rows
                ]
            )
            return
        from rich.table import Table

        table = Table("id", "version", "status", "effective", "title")
        for p in rows:
            pid = f"{p.id} (always)" if p.always_in_force else p.id
            table.add_row(pid, p.version, p.status, p.effective or "-", p.title)
        console.print(table)

    @group.command("show")
    @handle_errors
    def show(
        name: str = typer.Argument(..., help="Policy id, e.g. fr-2025-11-framework."),
        policies: list[Path] | None = POLICIES_OPT,
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """Show a policy: its sources and rules with their citations."""
        library = _library(policies)
        policy = library.get(name)
        if as_json:
            out: dict[str, Any] = policy.to_dict()
            out["doctrine_hash"] = library.doctrine(name).hash
            print_json(out)
            return
        console.print(f"[bold]{policy.title}[/]")
        console.print(
            f"{policy.id} {policy.version} — {policy.status}, effective {policy.effective or '-'}"
            + (f", extends {policy.extends}" if policy.extends else "")
        )
        if policy.summary:
            console.print(policy.summary)
        console.print("\n[bold]Rules[/]")
        for r in policy.rules:
            actions = ", ".join(sorted(a.value for a in r.actions))
            console.print(f"  [bold]{r.id}[/]: {r.effect} {actions} when {r.when_raw or 'always'}")
            console.print(f"    {r.text}")
            console.print(f"    [dim]{r.citation()}[/]", highlight=False)
        console.print("\n[bold]Sources[/]")
        for s in policy.sources:
            console.print(f"  {s.id}: {s.citation()}", highlight=False)
            if s.note:
                console.print(f"    [italic]{s.note}[/]")

    @group.command("evaluate")
    @handle_errors
    def evaluate(
        policy: str = typer.Option(..., "--policy", "-p", help="Policy id to evaluate under."),
        situation: Path = typer.Option(
            ..., "--situation", "-s", help="Situation JSON file (see `doctrine schema situation`)."
        ),
        all_actions: bool = typer.Option(
            False, "--all-actions", help="Evaluate every action, not only the proposed one."
        ),
        policies: list[Path] | None = POLICIES_OPT,
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """Evaluate a proposed action in a situation: verdict, reasons and citations."""
        from channelwatch.doctrine import advise, load_situation

        library = _library(policies)
        advice = advise(load_situation(situation), policy, all_actions=all_actions, library=library)
        if as_json:
            if all_actions:
                print_json(
                    {
                        "verdicts": {a.value: v.to_dict() for a, v in advice.verdicts.items()},
                        "assessment": advice.assessment.to_dict(),
                        "place": advice.place.to_dict(),
                        "policy_hash": advice.policy_hash,
                    }
                )
            else:
                out = advice.verdict.to_dict()
                out["assessment"] = advice.assessment.to_dict()
                out["place"] = advice.place.to_dict()
                print_json(out)
            return
        _print_advice(advice)

    @group.command("schema")
    @handle_errors
    def schema_(
        name: str = typer.Argument(..., help="situation, verdict or policy."),
    ) -> None:
        """Print a published JSON Schema (situation, verdict or policy)."""
        from channelwatch.doctrine import schema

        print_json(schema(name))
