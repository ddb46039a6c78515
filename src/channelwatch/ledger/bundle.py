"""The inquiry bundle of one case: its entries, their inclusion proofs, the signed checkpoint they
are proved against, the public key, and a readable timeline derived from the entries.

The bundle is canonical JSON (so every byte of the file is checked by the offline verifier) with
the keys ``case_id``, ``checkpoint`` (signed note text), ``entries`` (``index``, ``entry`` — the
exact entry text whose leaf hash is in the tree — and ``inclusion_proof``, hex hashes),
``format``, ``origin``, ``public_key`` (verifier key line) and ``timeline``.
The timeline is derived, never trusted: the verifier rebuilds it from the entries and compares.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from channelwatch.ledger.canonical import canonical_json, format_time
from channelwatch.ledger.entry import CASE_KEY, Entry
from channelwatch.ledger.errors import LedgerError, LedgerInputError
from channelwatch.ledger.note import verify_checkpoint

if TYPE_CHECKING:
    from channelwatch.ledger.ledger import Ledger

BUNDLE_FORMAT = "channelwatch-ledger-bundle/1"

# What an inquiry asks first: what was advised (by the software) and what was decided (by a
# person). Types are matched by these words, e.g. "doctrine.advice", "case.decision".
_ADVISED = ("advice", "advised", "verdict", "recommend", "assessment", "assess")
_DECIDED = ("decision", "decided", "decide", "order", "accept", "handover", "close")


def kind_of(event_type: str) -> str:
    """``decided``, ``advised`` or ``recorded``, from the event type's words."""
    words = event_type.lower().replace("-", ".").replace("_", ".").split(".")
    if any(w.startswith(_DECIDED) for w in words):
        return "decided"
    if any(w.startswith(_ADVISED) for w in words):
        return "advised"
    return "recorded"


def describe(payload: Mapping[str, Any]) -> list[list[str]]:
    """The payload as ``[key, value]`` rows in key order (the case id is said once, above)."""
    rows = []
    for key in sorted(payload):
        if key == CASE_KEY:
            continue
        value = payload[key]
        text = value if isinstance(value, str) else canonical_json(value).decode("utf-8")
        rows.append([key, text])
    return rows


def timeline(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """One readable row per entry, in ledger order (which is the order they were recorded)."""
    return [
        {
            "actor": e.actor,
            "details": describe(e.payload),
            "index": e.index,
            "kind": kind_of(e.type),
            "policy_hash": e.policy_hash,
            "time": format_time(e.time),
            "type": e.type,
        }
        for e in entries
    ]


def build_bundle(ledger: Ledger, case_id: str) -> dict[str, Any]:
    """The bundle of ``case_id`` proved against the latest signed checkpoint."""
    checkpoint = verify_checkpoint(ledger.backend.state().note, ledger.public_key)
    indices = [i for i in ledger.case_indices(case_id) if i < checkpoint.size]
    if not indices:
        raise LedgerInputError(f"the ledger has no entries for case {case_id!r}")
    rows = []
    entries = []
    for index in indices:
        entry = ledger.entry(index)
        if entry.payload.get(CASE_KEY) != case_id:
            raise LedgerError(f"entry {index} is indexed under case {case_id!r} but is not: verify")
        proof = ledger.prove_inclusion(index, checkpoint.size)
        if proof.root != checkpoint.root:
            raise LedgerError("the stored tree does not match its signed checkpoint: run verify")
        entries.append(entry)
        rows.append(
            {
                "entry": entry.data.decode("utf-8"),
                "inclusion_proof": [p.hex() for p in proof.path],
                "index": index,
            }
        )
    return {
        "case_id": case_id,
        "checkpoint": checkpoint.text,
        "entries": rows,
        "format": BUNDLE_FORMAT,
        "origin": ledger.origin,
        "public_key": str(ledger.public_key),
        "timeline": timeline(entries),
    }


def bundle_json(bundle: Mapping[str, Any]) -> bytes:
    """The bundle file: its canonical JSON and one newline."""
    return canonical_json(bundle, "bundle") + b"\n"


def bundle_bytes(bundle: Mapping[str, Any], fmt: str) -> bytes:
    """The bundle as a file of format ``json`` or ``html``."""
    if fmt == "json":
        return bundle_json(bundle)
    if fmt == "html":
        from channelwatch.ledger.bundle_html import render_html

        return render_html(bundle).encode("utf-8")
    raise LedgerInputError(f"bundle format {fmt!r} is not json or html")


def load_bundle_text(data: bytes) -> tuple[dict[str, Any], str]:
    """Parse a bundle file (JSON, or HTML with the JSON embedded); returns it and its kind."""
    from channelwatch.ledger.bundle_html import extract_embedded

    text = data.decode("utf-8")
    kind = "html" if text.lstrip().startswith("<!DOCTYPE html>") else "json"
    raw = extract_embedded(text) if kind == "html" else text
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        raise LedgerInputError(f"the bundle is not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise LedgerInputError("the bundle is not a JSON object")
    return doc, kind
