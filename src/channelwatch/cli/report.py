"""``channelwatch report``: incident reports for an inquiry, built from the ledger."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from channelwatch.cli.common import console, err_console, handle_errors, print_json

report_app = typer.Typer(
    help="Incident reports (HTML, PDF) built from the ledger.", no_args_is_help=True
)


def _region_layers(land_file: Path | None) -> tuple[Any | None, Any | None]:
    """Land and the FR/UK SAR line for the map: from the region model when it is there."""
    import importlib

    land = sar_line = None
    try:
        region = importlib.import_module("channelwatch.region").load_region()
        land, sar_line = region.land, getattr(region, "sar_line", None)
    except (ImportError, AttributeError):
        pass
    if land_file is not None:
        from channelwatch.analytics.geo_files import read_land

        land = read_land(land_file)
    return land, sar_line


@report_app.command("incident")
@handle_errors
def incident(
    bundle: Path | None = typer.Option(
        None, "--bundle", help="A case bundle from `channelwatch ledger export` (JSON or HTML)."
    ),
    ledger: str | None = typer.Option(
        None, "--ledger", help="Or a ledger (SQLite path or PostgreSQL URL), with --case."
    ),
    case: str | None = typer.Option(None, "--case", help="The case id (with --ledger)."),
    key: str | None = typer.Option(
        None, "--key", help="The trusted public key (text or file) to verify against."
    ),
    html: Path | None = typer.Option(None, "--html", help="Write the HTML report here."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Write the PDF report here."),
    land_file: Path | None = typer.Option(
        None, "--land", help="GeoJSON land polygons for the map (default: the region model)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """An incident report: timeline, map, calls, decisions with their advice, verification."""
    from channelwatch.analytics.errors import AnalyticsInputError
    from channelwatch.analytics.report.model import build_report
    from channelwatch.analytics.report.verification import (
        bundle_from_ledger,
        load_bundle,
        read_key,
        verify,
    )
    from channelwatch.cli.stats import progress_steps

    if (bundle is None) == (ledger is None):
        raise AnalyticsInputError("give either --bundle FILE or --ledger LOCATION --case ID")
    if ledger is not None and not case:
        raise AnalyticsInputError("--ledger needs --case")
    if html is None and pdf is None and not as_json:
        raise AnalyticsInputError("nothing to do: give --html FILE, --pdf FILE or --json")
    with progress_steps(3 + (html is not None) + (pdf is not None)) as step:
        step("reading the bundle")
        if bundle is not None:
            doc, data = load_bundle(bundle)
            name = bundle.name
        else:
            assert ledger is not None and case is not None
            doc, data = bundle_from_ledger(ledger, case)
            name = f"{ledger} (case {case})"
        step("verifying (offline verifier)")
        verification = verify(doc, data, read_key(key) if key else None)
        report = build_report(doc, verification, datetime.now(UTC))
        step("drawing the map")
        map_fig = None
        if report.points or report.shapes:
            from channelwatch.analytics.report.figures import case_map

            land, sar_line = _region_layers(land_file)
            map_fig = case_map(report, land, sar_line)
        if html is not None:
            from channelwatch.analytics.report.figures import figure_bytes
            from channelwatch.analytics.report.html import render_html

            step(f"writing {html.name}")
            png = figure_bytes(map_fig) if map_fig is not None else None
            html.write_text(render_html(report, png, name), encoding="utf-8")
        if pdf is not None:
            from channelwatch.analytics.report.pdf import write_pdf

            step(f"writing {pdf.name}")
            write_pdf(report, pdf, map_fig, name)
    summary = {
        "case_id": report.case_id,
        "entries": len(report.entries),
        "calls": len(report.calls),
        "decisions": len(report.decisions),
        "refused": len(report.refused),
        "verified": verification.ok,
        "key_source": verification.key_source,
        "verification": verification.summary,
        "html": str(html) if html else None,
        "pdf": str(pdf) if pdf else None,
    }
    if as_json:
        print_json(summary)
    else:
        colour = "green" if verification.ok and verification.key_source == "given" else "yellow"
        if not verification.ok:
            colour = "red"
        console.print(f"[{colour}]{verification.summary}[/]", highlight=False)
        if verification.ok and verification.key_source != "given":
            err_console.print(
                "checked against the bundle's own key: give --key to establish origin"
            )
        for out in (html, pdf):
            if out is not None:
                console.print(f"wrote {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
