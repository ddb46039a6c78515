"""``channelwatch federation``: link two coordination centres over NATS JetStream.

``node`` runs a centre's link; ``open``, ``request``, ``accept``, ``reject`` and ``withdraw`` are
operators' case commands (on the centre's own cases, or sent to the partner for its cases);
``status`` folds a centre's ledger and shows what it holds of itself and of its partners;
``witness`` writes the latest checkpoint received from a partner (for ``ledger verify``).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from channelwatch.cli.common import EXIT_INPUT, console, fail, handle_errors, print_json

if TYPE_CHECKING:
    from channelwatch.cases.book import SarRegionLookup
    from channelwatch.cases.model import Actor
    from channelwatch.federation.node import Node

federation_app = typer.Typer(
    help="Federation between coordination centres over NATS JetStream.",
    no_args_is_help=True,
)

CentreOpt = Annotated[str, typer.Option("--centre", help="This centre's code (FR, GB).")]
LedgerOpt = Annotated[
    str, typer.Option("--ledger", help="This centre's ledger (file or postgresql:// URL).")
]
KeyOpt = Annotated[
    Path | None, typer.Option("--key", help="Ledger signing key (default: <ledger>.key).")
]
ActorOpt = Annotated[str, typer.Option("--actor", help="The operator's staff reference.")]
RoleOpt = Annotated[str, typer.Option("--role", help="operator or supervisor.")]
CaseOpt = Annotated[
    str, typer.Option("--case", help="C-0001 (this centre's) or FR:C-0001 (a partner's).")
]
TimeOpt = Annotated[
    str | None, typer.Option("--time", help="ISO 8601 UTC time of the decision (default: now).")
]
SrrOpt = Annotated[
    Path | None,
    typer.Option("--sar-regions", help="SAR regions GeoJSON (default: the region model)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _time(text: str | None) -> datetime:
    from channelwatch.cases.codec import parse_time
    from channelwatch.events import utcnow

    return utcnow() if text is None else parse_time(text, "--time")


def _actor(centre: str, ref: str, role: str) -> Actor:
    from channelwatch.cases.model import Actor, Role
    from channelwatch.federation.errors import FederationInputError

    try:
        r = Role(role)
    except ValueError:
        raise FederationInputError(f"--role must be operator or supervisor, got {role!r}") from None
    return Actor(ref=ref, centre=centre, role=r)


def _lookup(path: Path | None) -> SarRegionLookup | None:
    if path is None:
        return None
    from channelwatch.cases.srr import lookup_from_geojson

    return lookup_from_geojson(path)


def _partner_keys(specs: list[str]) -> dict[str, Any]:
    from channelwatch.federation.envelope import check_centre
    from channelwatch.federation.errors import FederationInputError
    from channelwatch.ledger.keys import read_public_key

    keys = {}
    for spec in specs:
        code, sep, path = spec.partition("=")
        if not sep or not path:
            raise FederationInputError(f"--partner must be CODE=PUBLIC_KEY_FILE, got {spec!r}")
        keys[check_centre(code)] = read_public_key(Path(path))
    return keys


def _node(
    centre: str,
    ledger: str,
    key: Path | None,
    partners: list[str] | None = None,
    srr: Path | None = None,
) -> Node:
    from channelwatch.federation.node import open_node

    return open_node(
        centre,
        ledger,
        partner_keys=_partner_keys(partners or []),
        key_path=key,
        sar_region=_lookup(srr),
    )


@federation_app.command("node")
@handle_errors
def node_cmd(
    centre: CentreOpt,
    ledger: LedgerOpt,
    nats_url: Annotated[str, typer.Option("--nats", help="NATS server URL.")],
    partner: Annotated[
        list[str],
        typer.Option("--partner", help="CODE=FILE: a partner and its ledger's public key."),
    ],
    key: KeyOpt = None,
    max_age_h: Annotated[
        float, typer.Option(help="Hours a stream keeps messages for an offline partner.")
    ] = 720.0,
    report_every: Annotated[
        float, typer.Option(help="Print the link's figures as JSON every N seconds (0: never).")
    ] = 0.0,
    seconds: Annotated[
        float | None, typer.Option(help="Stop after this many seconds (default: run until killed).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No log lines on stderr.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Run this centre's link: publish what it shares, apply what its partners send."""
    import asyncio

    from channelwatch.federation.link import LinkConfig
    from channelwatch.federation.runner import run_link

    node = _node(centre, ledger, key, partner)

    def log(message: str) -> None:
        if not quiet:
            from channelwatch.events import utcnow

            stamp = utcnow().strftime("%H:%M:%S.%f")[:-3]
            print(f"{stamp} {centre} {message}", file=sys.stderr, flush=True)

    config = LinkConfig(url=nats_url, max_age_s=max_age_h * 3600.0)
    stats = asyncio.run(
        run_link(
            node, config, log=log, report=print_json, report_every_s=report_every, seconds=seconds
        )
    )
    node.ledger.close()
    if json_out:
        print_json(stats)


def _run_case_command(node: Node, home: str, command: Any, json_out: bool) -> None:
    from channelwatch.federation.commands import case_ref

    out: dict[str, Any]
    if home == node.centre:
        result = node.execute(command)
        out = {
            "case": case_ref(home, command.case_id),
            "sent": False,
            "ledger_indices": list(result.indices),
            "events": [e.type for e in result.events],
        }
    else:
        index = node.send_command(home, command)
        out = {"case": case_ref(home, command.case_id), "sent": True, "ledger_indices": [index]}
    node.ledger.close()
    if json_out:
        print_json(out)
    elif out["sent"]:
        console.print(
            f"recorded at {out['ledger_indices'][0]}; the node sends it to {home}, whose book "
            "decides",
            highlight=False,
        )
    else:
        console.print(f"{out['case']}: {', '.join(out['events'])}", highlight=False)


def _handover(
    name: str,
    centre: str,
    ledger: str,
    key: Path | None,
    actor: str,
    role: str,
    case: str,
    when: str | None,
    json_out: bool,
    **fields: Any,
) -> None:
    from channelwatch.federation.commands import NAMES, parse_case_ref

    home, case_id = parse_case_ref(case, centre)
    command = NAMES[name](
        actor=_actor(centre, actor, role), time=_time(when), case_id=case_id, **fields
    )
    _run_case_command(_node(centre, ledger, key), home, command, json_out)


@federation_app.command("request")
@handle_errors
def request_cmd(
    centre: CentreOpt,
    ledger: LedgerOpt,
    actor: ActorOpt,
    case: CaseOpt,
    reason: Annotated[str, typer.Option("--reason", help="Why (the partner reads it).")],
    to: Annotated[str | None, typer.Option("--to", help="The centre asked to take it.")] = None,
    role: RoleOpt = "operator",
    when: TimeOpt = None,
    key: KeyOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Ask the other centre to take coordination of a case (nothing moves until it accepts)."""
    _handover(
        "request", centre, ledger, key, actor, role, case, when, json_out,
        reason=reason, to_centre=to,
    )  # fmt: skip


@federation_app.command("accept")
@handle_errors
def accept_cmd(
    centre: CentreOpt,
    ledger: LedgerOpt,
    actor: ActorOpt,
    case: CaseOpt,
    request_id: Annotated[
        str | None, typer.Option("--request-id", help="Default: the pending request.")
    ] = None,
    role: RoleOpt = "operator",
    when: TimeOpt = None,
    key: KeyOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Accept a handover addressed to this centre: the explicit decision that moves a case."""
    _handover(
        "accept", centre, ledger, key, actor, role, case, when, json_out, request_id=request_id
    )


@federation_app.command("reject")
@handle_errors
def reject_cmd(
    centre: CentreOpt,
    ledger: LedgerOpt,
    actor: ActorOpt,
    case: CaseOpt,
    reason: Annotated[str, typer.Option("--reason", help="Why (the partner reads it).")],
    request_id: Annotated[str | None, typer.Option("--request-id")] = None,
    role: RoleOpt = "operator",
    when: TimeOpt = None,
    key: KeyOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Reject a handover addressed to this centre (coordination stays where it is)."""
    _handover(
        "reject", centre, ledger, key, actor, role, case, when, json_out,
        reason=reason, request_id=request_id,
    )  # fmt: skip


@federation_app.command("withdraw")
@handle_errors
def withdraw_cmd(
    centre: CentreOpt,
    ledger: LedgerOpt,
    actor: ActorOpt,
    case: CaseOpt,
    reason: Annotated[str, typer.Option("--reason")],
    request_id: Annotated[str | None, typer.Option("--request-id")] = None,
    role: RoleOpt = "operator",
    when: TimeOpt = None,
    key: KeyOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Withdraw a pending handover request."""
    _handover(
        "withdraw", centre, ledger, key, actor, role, case, when, json_out,
        reason=reason, request_id=request_id,
    )  # fmt: skip


@federation_app.command("open")
@handle_errors
def open_cmd(
    centre: CentreOpt,
    ledger: LedgerOpt,
    actor: ActorOpt,
    report_id: Annotated[str, typer.Option("--report-id", help="The operator's reference.")],
    lat: Annotated[float | None, typer.Option(help="Latitude (WGS84).")] = None,
    lon: Annotated[float | None, typer.Option(help="Longitude (WGS84).")] = None,
    accuracy_m: Annotated[float | None, typer.Option(help="Position uncertainty radius.")] = None,
    persons: Annotated[int | None, typer.Option(help="Persons aboard as reported.")] = None,
    kind: Annotated[str, typer.Option(help="call, sighting or operator.")] = "call",
    description: Annotated[str | None, typer.Option(help="Of the boat, never a person.")] = None,
    role: RoleOpt = "operator",
    when: TimeOpt = None,
    srr: SrrOpt = None,
    key: KeyOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Open a case on this centre's book from a call or sighting (advice recorded first)."""
    from channelwatch.cases.commands import OpenCase, SuggestCorrelation
    from channelwatch.cases.errors import CaseCommandError
    from channelwatch.cases.model import Report, ReportKind

    t = _time(when)
    try:
        report = Report(
            report_id=report_id,
            kind=ReportKind(kind),
            time=t,
            lat=lat,
            lon=lon,
            accuracy_m=accuracy_m,
            persons=persons,
            description=description,
            received_by=centre,
        )
    except ValueError as exc:
        if isinstance(exc, CaseCommandError):
            raise
        raise fail(f"--kind must be call, sighting or operator, got {kind!r}", EXIT_INPUT) from None
    node = _node(centre, ledger, key, srr=srr)
    who = _actor(centre, actor, role)
    advice = node.execute(SuggestCorrelation(actor=who, time=t, report=report)).advice
    result = node.execute(OpenCase(actor=who, time=t, report=report, advice=advice))
    case = node.state.own.cases[str(result.case_id)]
    node.ledger.close()
    out: dict[str, Any] = {
        "case_id": result.case_id,
        "centre": case.centre,
        "advice": advice.to_dict() if advice else None,
        "events": [e.type for e in result.events],
        "ledger_indices": list(result.indices),
    }
    if json_out:
        print_json(out)
    else:
        verdict = advice.verdict if advice else "none"
        console.print(
            f"opened {result.case_id} (coordinating: {case.centre}; advice was {verdict}); "
            f"events: {', '.join(out['events'])}",
            highlight=False,
        )


@federation_app.command("status")
@handle_errors
def status_cmd(
    centre: CentreOpt,
    ledger: LedgerOpt,
    json_out: JsonOpt = False,
) -> None:
    """What this centre's ledger holds: its cases, and per partner what was received."""
    from channelwatch.federation.node import Node
    from channelwatch.ledger import Ledger

    with Ledger.open(ledger, without_key=True) as book:
        summary = Node(centre, book).state.summary()
    if json_out:
        print_json(summary)
        return
    from rich.table import Table

    table = Table(title=f"{centre}: cases")
    for col in ("case", "coordinating", "status", "reports", "pending handover"):
        table.add_column(col)
    rows = [("", c) for c in summary["own_cases"]]
    for code, view in summary["partners"].items():
        rows += [(code, c) for c in view["cases_detail"]]
    for home, c in rows:
        ref = f"{home}:{c['case_id']}" if home else c["case_id"]
        table.add_row(
            ref, c["centre"], c["status"], str(len(c["reports"])), c["pending_handover"] or ""
        )
    console.print(table)
    for code, view in summary["partners"].items():
        console.print(
            f"from {code}: {view['received']} received {view['by_kind']}, "
            f"{view['rejected']} rejected, {view['gaps']} gaps; stream seq {view['stream_seq']}, "
            f"sender index {view['sender_index']}, checkpoint size {view['checkpoint_size']}",
            highlight=False,
        )
        for r in view["refusals"]:
            console.print(f"  refused by {code}: {r.get('command')}: {r.get('error')}")
    console.print(f"commands sent: {len(summary['commands_sent'])}", highlight=False)


@federation_app.command("witness")
@handle_errors
def witness_cmd(
    centre: CentreOpt,
    ledger: LedgerOpt,
    partner: Annotated[str, typer.Option("--from", help="The partner centre.")],
    out: Annotated[Path, typer.Option("--out", help="File to write the checkpoint to.")],
) -> None:
    """Write the latest checkpoint received from a partner: give it to the partner's auditors
    (``channelwatch ledger verify THEIR_LEDGER --checkpoint FILE`` detects a rewritten log)."""
    from channelwatch.federation.errors import FederationInputError
    from channelwatch.federation.share import RECEIVED
    from channelwatch.ledger import Ledger

    note = None
    size = -1
    with Ledger.open(ledger, without_key=True) as book:
        total = book.size
        for start in range(0, total, 4096):
            for e in book.entries(start, min(total, start + 4096)):
                if e.type == RECEIVED and e.payload.get("from") == partner:
                    cp = e.payload.get("checkpoint") or {}
                    if int(cp.get("size", -1)) > size:
                        size, note = int(cp["size"]), str(cp["note"])
    if note is None:
        raise FederationInputError(f"no message from {partner!r} in {ledger}")
    out.write_text(note, encoding="utf-8")
    console.print(f"checkpoint of {partner} at tree size {size} written to {out}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(federation_app, name="federation")
