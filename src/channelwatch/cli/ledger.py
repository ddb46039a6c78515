"""``channelwatch ledger``: the tamper-evident record (init, append, checkpoint, verify, prove,
export an inquiry bundle, verify a bundle offline)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from channelwatch.cli.common import console, err_console, fail, handle_errors, print_json

if TYPE_CHECKING:
    from channelwatch.ledger.ledger import Ledger

ledger_app = typer.Typer(
    help="The tamper-evident record: append events, sign checkpoints, verify, prove, export.",
    no_args_is_help=True,
)

LOCATION = typer.Argument(help="Ledger file (SQLite), or a postgresql:// URL.")
KEY = typer.Option(
    "--key", help="Signing key file (default: LEDGER.key beside a ledger file).", show_default=False
)
SCHEMA = typer.Option("--schema", help="PostgreSQL schema of the ledger (URL only).")
JSON = typer.Option("--json", help="Print machine-readable JSON.")

LocationArg = Annotated[str, LOCATION]
KeyOpt = Annotated[Path | None, KEY]
SchemaOpt = Annotated[str | None, SCHEMA]
JsonOpt = Annotated[bool, JSON]


def _open(
    location: str, key: Path | None, schema: str | None, *, without_key: bool = False
) -> Ledger:
    from channelwatch.ledger import Ledger

    return Ledger.open(location, key_path=key, schema=schema, without_key=without_key)


def _read_text(path: Path, what: str) -> str:
    from channelwatch.ledger.errors import LedgerInputError

    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LedgerInputError(f"cannot read {what} {path}: {exc}") from None


def _write(path: Path, data: bytes) -> None:
    from channelwatch.ledger.errors import LedgerInputError

    try:
        path.write_bytes(data)
    except OSError as exc:
        raise LedgerInputError(f"cannot write {path}: {exc.strerror}") from None


@ledger_app.command("init")
@handle_errors
def init_cmd(
    location: LocationArg,
    origin: Annotated[
        str | None, typer.Option(help="Name of the log in its checkpoints (default: random).")
    ] = None,
    key: KeyOpt = None,
    schema: SchemaOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Create a ledger and its Ed25519 signing key (mode 0600; an existing key is reused)."""
    from channelwatch.ledger import Ledger
    from channelwatch.ledger.ledger import default_key_path

    with Ledger.create(location, origin=origin, key_path=key, schema=schema) as ledger:
        info = {
            "ledger": ledger.backend.location,
            "origin": ledger.origin,
            "key": str(key or default_key_path(location)),
            "public_key": str(ledger.public_key),
        }
    if json_out:
        print_json(info)
        return
    console.print(f"created ledger {info['ledger']} (origin {info['origin']})", highlight=False)
    console.print(f"signing key: {info['key']} (mode 0600; keep it secret)", highlight=False)
    console.print(f"public key:  {info['public_key']}", highlight=False, soft_wrap=True)


def _lines(stream: Any, batch_size: int) -> Iterator[list[tuple[int, bytes]]]:
    """Batches of (line number, line) from a byte stream: a batch ends when it is full or when
    no more input is waiting, so an interactive writer sees each index promptly."""
    import contextlib
    import select

    batch: list[tuple[int, bytes]] = []
    for number, line in enumerate(iter(stream.readline, b""), 1):
        if line.strip():
            batch.append((number, line))
        waiting = True
        # A stream that is not selectable (e.g. in tests) is batched by size only.
        with contextlib.suppress(OSError, ValueError, TypeError):
            waiting = bool(select.select([stream], [], [], 0)[0])
        if batch and (len(batch) >= batch_size or not waiting):
            yield batch
            batch = []
    if batch:
        yield batch


@ledger_app.command("append")
@handle_errors
def append_cmd(
    location: LocationArg,
    key: KeyOpt = None,
    schema: SchemaOpt = None,
    batch: Annotated[int, typer.Option(min=1, help="Most entries per durable commit.")] = 1000,
    json_out: JsonOpt = False,
) -> None:
    """Append events given as JSON lines on stdin; print each entry's index once it is durable.

    A line is {"type", "actor", "payload", "policy_hash", "time"} ("time" in ISO 8601 UTC;
    default: now). Bad lines are reported on stderr, skipped and counted (exit 2 if any).
    """
    import json

    from channelwatch.errors import InputError
    from channelwatch.events import utcnow
    from channelwatch.ledger.entry import encode_event, event_from_json

    bad = 0
    appended = 0
    with _open(location, key, schema) as ledger:
        for lines in _lines(sys.stdin.buffer, batch):
            encoded = []
            numbers = []
            for number, raw in lines:
                try:
                    doc = json.loads(raw.decode("utf-8"))
                    encoded.append(encode_event(event_from_json(doc, utcnow())))
                    numbers.append(number)
                except (ValueError, InputError) as exc:  # JSON and UTF-8 errors are ValueErrors
                    bad += 1
                    err_console.print(f"line {number}: skipped: {exc}", highlight=False)
            indices = ledger.append_encoded(encoded)
            appended += len(indices)
            for number, index in zip(numbers, indices, strict=True):
                if json_out:
                    print_json({"line": number, "index": index})
                else:
                    sys.stdout.write(f"{index}\n")
            sys.stdout.flush()
    err_console.print(f"appended {appended} entries, skipped {bad} bad lines", highlight=False)
    if bad:
        raise typer.Exit(2)


@ledger_app.command("checkpoint")
@handle_errors
def checkpoint_cmd(
    location: LocationArg,
    out: Annotated[Path, typer.Option("--out", help="File to write the signed checkpoint to.")],
    schema: SchemaOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Publish the latest signed checkpoint: keep it in the ledger and write it to --out."""
    with _open(location, None, schema, without_key=True) as ledger:
        checkpoint = ledger.checkpoint()
    _write(out, checkpoint.text.encode("utf-8"))
    if json_out:
        print_json({**checkpoint.to_dict(), "out": str(out)})
    else:
        console.print(
            f"checkpoint of {checkpoint.size} entries, root {checkpoint.root.hex()}, "
            f"written to {out}",
            highlight=False,
        )


@ledger_app.command("verify")
@handle_errors
def verify_cmd(
    location: LocationArg,
    checkpoint: Annotated[
        list[Path] | None,
        typer.Option(
            "--checkpoint", help="A checkpoint saved earlier (repeatable): detects truncation."
        ),
    ] = None,
    pubkey: Annotated[
        Path | None,
        typer.Option(help="Trusted public key (default: the ledger's key file, else its record)."),
    ] = None,
    deep: Annotated[
        bool, typer.Option("--deep", help="Also parse every entry and check the storage.")
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes checking a ledger file (default: 2 or 1 CPU).")
    ] = min(2, os.cpu_count() or 1),
    schema: SchemaOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Check every entry, the tree, and every signed checkpoint. Exit 0 when intact, 1 if not."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from channelwatch.ledger.keys import load_key, read_public_key
    from channelwatch.ledger.ledger import default_key_path
    from channelwatch.ledger.note import VerifierKey

    texts = [_read_text(p, "checkpoint") for p in checkpoint or []]
    key_file = default_key_path(location)
    with _open(location, None, schema, without_key=True) as ledger:
        if pubkey is not None:
            trusted = read_public_key(pubkey, ledger.origin)
        elif key_file is not None and key_file.exists():
            trusted = VerifierKey.from_public_key(ledger.origin, load_key(key_file).public_key())
        else:
            trusted = ledger.public_key
            err_console.print(
                "note: no --pubkey and no key file: checking signatures against the key the "
                "ledger records itself",
                highlight=False,
            )
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=json_out or not err_console.is_terminal,
        ) as bar:
            task = bar.add_task("verifying", total=max(ledger.size, 1))
            report = ledger.verify(
                checkpoints=texts,
                trusted_key=trusted,
                deep=deep,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                workers=workers,
            )
    if json_out:
        print_json(report.to_dict())
    else:
        console.print(report.summary(), highlight=False, soft_wrap=True)
        for problem in report.problems[1:]:
            console.print(f"  {problem}", highlight=False, soft_wrap=True)
    if not report.ok:
        raise typer.Exit(1)


@ledger_app.command("prove")
@handle_errors
def prove_cmd(
    location: LocationArg,
    index: Annotated[int, typer.Argument(help="Index of the entry.")],
    size: Annotated[
        int | None, typer.Option(help="Prove against the tree of this many entries.")
    ] = None,
    schema: SchemaOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Print the entry and its inclusion proof (RFC 9162), checked before it is printed."""
    with _open(location, None, schema, without_key=True) as ledger:
        proof = ledger.prove_inclusion(index, size)
        entry = ledger.entry(index)
        latest = ledger.latest_checkpoint()
    doc = {**proof.to_dict(), "entry": entry.data.decode("utf-8")}
    if latest.size == proof.size:
        doc["checkpoint"] = latest.text
    if json_out:
        print_json(doc)
        return
    console.print(f"entry {index} of {proof.size}: {doc['entry']}", highlight=False, soft_wrap=True)
    console.print(f"leaf hash {doc['leaf_hash']}", highlight=False)
    for i, h in enumerate(doc["path"]):
        console.print(f"  path[{i}] {h}", highlight=False)
    console.print(f"root      {doc['root']} (proof verified)", highlight=False)


@ledger_app.command("consistency")
@handle_errors
def consistency_cmd(
    location: LocationArg,
    old: Annotated[Path, typer.Option("--old", help="A checkpoint saved earlier.")],
    new: Annotated[
        Path | None, typer.Option("--new", help="A later saved checkpoint (default: the latest).")
    ] = None,
    schema: SchemaOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Prove a later tree extends a checkpoint saved earlier (RFC 9162 consistency)."""
    from channelwatch.ledger.note import verify_checkpoint

    with _open(location, None, schema, without_key=True) as ledger:
        saved = verify_checkpoint(_read_text(old, "checkpoint"), ledger.public_key)
        latest = ledger.latest_checkpoint()
        if new is not None:
            later = verify_checkpoint(_read_text(new, "checkpoint"), ledger.public_key)
            if later.size > latest.size:
                raise fail(
                    f"{new} covers {later.size} entries, the ledger only {latest.size}: truncated"
                )
            latest = later
        if saved.size > latest.size:
            raise fail(
                f"the saved checkpoint covers {saved.size} entries, the ledger only "
                f"{latest.size}: truncated"
            )
        proof = ledger.prove_consistency(saved.size, latest.size)
    if proof.old_root != saved.root or proof.new_root != latest.root:
        raise fail(
            f"the ledger is not consistent with {old}: its first {saved.size} entries differ"
        )
    doc = {**proof.to_dict(), "old_checkpoint": saved.text, "new_checkpoint": latest.text}
    if json_out:
        print_json(doc)
        return
    console.print(
        f"consistent: the tree of {proof.old_size} entries ({proof.old_root.hex()[:16]}…) is a "
        f"prefix of the tree of {proof.new_size} ({proof.new_root.hex()[:16]}…), "
        f"proof of {len(proof.path)} hashes verified",
        highlight=False,
    )


@ledger_app.command("export")
@handle_errors
def export_cmd(
    location: LocationArg,
    case: Annotated[str, typer.Option("--case", help="The case id (payload.case_id).")],
    fmt: Annotated[str, typer.Option("--format", help="html or json.")] = "html",
    out: Annotated[
        Path | None, typer.Option("--out", help="Output file (default: case-ID.FORMAT).")
    ] = None,
    schema: SchemaOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Export a case's inquiry bundle: entries, proofs, checkpoint, public key, timeline."""
    from channelwatch.ledger.bundle import bundle_bytes
    from channelwatch.ledger.errors import LedgerInputError

    if fmt not in ("html", "json"):
        raise LedgerInputError(f"--format {fmt!r} is not html or json")
    with _open(location, None, schema, without_key=True) as ledger:
        bundle = ledger.export_case(case)
    target = out or Path(f"case-{''.join(c if c.isalnum() else '_' for c in case)}.{fmt}")
    _write(target, bundle_bytes(bundle, fmt))
    info = {"case_id": case, "entries": len(bundle["entries"]), "out": str(target)}
    if json_out:
        print_json(info)
    else:
        console.print(
            f"wrote {info['entries']} entries of case {case} to {target}", highlight=False
        )


@ledger_app.command("pubkey")
@handle_errors
def pubkey_cmd(
    location: LocationArg,
    pem: Annotated[bool, typer.Option("--pem", help="PEM instead of a verifier key line.")] = False,
    key: KeyOpt = None,
    schema: SchemaOpt = None,
) -> None:
    """Print the ledger's public key (from its signing key file, or as the ledger records it)."""
    from channelwatch.ledger.keys import public_pem

    with _open(location, key, schema, without_key=key is None) as ledger:
        public = ledger.public_key
    if pem:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        sys.stdout.write(public_pem(Ed25519PublicKey.from_public_bytes(public.public_key)))
    else:
        sys.stdout.write(f"{public}\n")


@ledger_app.command("verify-bundle")
@handle_errors
def verify_bundle_cmd(
    bundle: Annotated[Path, typer.Argument(help="An exported bundle (.json or .html).")],
    pubkey: Annotated[Path, typer.Option(help="The ledger's public key, from its keeper.")],
    json_out: JsonOpt = False,
) -> None:
    """Verify an exported bundle offline, with only the bundle and the public key."""
    from channelwatch.ledger.errors import LedgerInputError
    from channelwatch.ledger.offline import verify_bundle

    try:
        data = bundle.read_bytes()
    except OSError as exc:
        raise LedgerInputError(f"cannot read {bundle}: {exc.strerror}") from None
    report = verify_bundle(data, _read_text(pubkey, "public key"))
    if json_out:
        print_json(report.to_dict())
    else:
        console.print(report.summary(), highlight=False, soft_wrap=True)
        for problem in report.problems[1:]:
            console.print(f"  {problem}", highlight=False, soft_wrap=True)
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")
