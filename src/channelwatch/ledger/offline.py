"""The offline verifier of an inquiry bundle: needs only the bundle file and the public key.

Like an fsck, it trusts nothing in the file. It checks, and reports every failure with the
entry index concerned:

1. the file is exactly the canonical form of its content (JSON), or exactly the page rendered
   from the JSON it embeds (HTML), so no byte can change unnoticed;
2. the checkpoint carries a valid Ed25519 signature by the given key, for the bundle's origin;
3. each entry is canonical JSON, belongs to the case, and its inclusion proof leads from its
   leaf hash to the signed root at its index;
4. the readable timeline is exactly the one derived from the entries.

It imports no storage code: only the canonical JSON, entry, note, proof and page modules of this
package (standard library and ``cryptography``). Run it as
``python -m channelwatch.ledger.offline BUNDLE PUBKEY`` (exit 0 when intact, 1 when not).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from channelwatch.ledger.bundle import BUNDLE_FORMAT, bundle_json, load_bundle_text, timeline
from channelwatch.ledger.bundle_html import render_html
from channelwatch.ledger.canonical import is_canonical
from channelwatch.ledger.entry import CASE_KEY, Entry, decode_entry
from channelwatch.ledger.errors import LedgerInputError
from channelwatch.ledger.keys import parse_public_key
from channelwatch.ledger.merkle import leaf_hash
from channelwatch.ledger.note import Checkpoint, VerifierKey, verify_checkpoint
from channelwatch.ledger.problem import Problem
from channelwatch.ledger.proofs import verify_inclusion

BUNDLE_KEYS = ("case_id", "checkpoint", "entries", "format", "origin", "public_key", "timeline")
ITEM_KEYS = ("entry", "inclusion_proof", "index")


@dataclass(frozen=True, slots=True)
class BundleReport:
    """What the offline verifier found in one bundle."""

    case_id: str | None
    entries: int
    tree_size: int | None
    root: bytes | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_index(self) -> int | None:
        indices = [p.index for p in self.problems if p.index is not None]
        return min(indices) if indices else None

    def summary(self) -> str:
        if self.ok:
            root = self.root.hex() if self.root else "?"
            return (
                f"ok: case {self.case_id}: {self.entries} entries proved in the signed tree of "
                f"{self.tree_size} entries, root {root}"
            )
        first = next(
            (p for p in self.problems if p.index == self.first_bad_index), self.problems[0]
        )
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"NOT VERIFIED: {first}{more}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "case_id": self.case_id,
            "entries": self.entries,
            "tree_size": self.tree_size,
            "root": self.root.hex() if self.root else None,
            "first_bad_index": self.first_bad_index,
            "problems": [{"index": p.index, "what": p.what} for p in self.problems],
        }


def _hex(text: object) -> bytes | None:
    """Strict lower-case hex of 32 bytes (one spelling per value), else None."""
    if not isinstance(text, str) or len(text) != 64:
        return None
    try:
        data = bytes.fromhex(text)
    except ValueError:
        return None
    return data if data.hex() == text else None


def _check_file(data: bytes, doc: dict[str, Any], kind: str, problems: list[Problem]) -> None:
    try:
        expected = bundle_json(doc) if kind == "json" else render_html(doc).encode("utf-8")
    except (LedgerInputError, KeyError, TypeError, ValueError, IndexError, AttributeError):
        problems.append(Problem(None, "the bundle is malformed and cannot be re-rendered"))
        return
    if data != expected:
        at = next(
            (i for i, (a, b) in enumerate(zip(data, expected, strict=False)) if a != b),
            min(len(data), len(expected)),
        )
        what = "canonical form of its content" if kind == "json" else "page rendered from its data"
        problems.append(Problem(None, f"the file differs from the {what} at byte {at}"))


def _check_entry(
    item: object, case_id: object, checkpoint: Checkpoint | None, last: int, out: list[Problem]
) -> Entry | None:
    if not isinstance(item, dict) or tuple(sorted(item)) != ITEM_KEYS:
        out.append(Problem(None, f"an entries item does not have exactly the keys {ITEM_KEYS}"))
        return None
    index, text, path = item["index"], item["entry"], item["inclusion_proof"]
    if type(index) is not int or index <= last:
        out.append(Problem(None, f"entry index {index!r} is not an integer above {last}"))
        return None
    if not isinstance(text, str) or not isinstance(path, list):
        out.append(Problem(index, "entry text or inclusion proof has the wrong type"))
        return None
    data = text.encode("utf-8", "surrogatepass")
    if not is_canonical(data):
        out.append(Problem(index, "entry is not canonical JSON"))
        return None
    try:
        entry = decode_entry(index, data)
    except LedgerInputError as exc:
        out.append(Problem(index, f"entry is malformed: {exc}"))
        return None
    if entry.payload.get(CASE_KEY) != case_id:
        out.append(Problem(index, f"entry belongs to case {entry.payload.get(CASE_KEY)!r}"))
    hashes = [_hex(h) for h in path]
    if any(h is None for h in hashes):
        out.append(Problem(index, "inclusion proof holds a value that is not a 64-digit hex hash"))
    elif checkpoint is not None:
        proof = [h for h in hashes if h is not None]
        if not verify_inclusion(index, checkpoint.size, leaf_hash(data), proof, checkpoint.root):
            out.append(
                Problem(
                    index,
                    f"inclusion proof does not lead to the signed root of the {checkpoint.size} "
                    f"entry tree (entry altered, moved or forged)",
                )
            )
    return entry


def verify_bundle(data: bytes, key: VerifierKey | str) -> BundleReport:
    """Verify an exported bundle (JSON or HTML bytes) against the trusted public key.

    ``key`` is a :class:`VerifierKey` or its text (a verifier key line, or a PEM public key, in
    which case the bundle's origin is taken as the key name).
    """
    problems: list[Problem] = []
    try:
        doc, kind = load_bundle_text(data)
    except (LedgerInputError, UnicodeDecodeError) as exc:
        return BundleReport(None, 0, None, None, (Problem(None, f"unreadable bundle: {exc}"),))
    _check_file(data, doc, kind, problems)
    if tuple(sorted(doc)) != BUNDLE_KEYS:
        problems.append(Problem(None, f"the bundle does not have exactly the keys {BUNDLE_KEYS}"))
        return BundleReport(None, 0, None, None, tuple(problems))
    case_id, origin = doc["case_id"], doc["origin"]
    if doc["format"] != BUNDLE_FORMAT:
        problems.append(Problem(None, f"bundle format {doc['format']!r} is not {BUNDLE_FORMAT}"))
    try:
        trusted = key if isinstance(key, VerifierKey) else parse_public_key(key, str(origin))
    except LedgerInputError as exc:
        problems.append(Problem(None, f"the trusted key is unusable: {exc}"))
        return BundleReport(None, 0, None, None, tuple(problems))
    if doc["public_key"] != str(trusted):
        problems.append(Problem(None, "the bundle's public key is not the trusted key"))
    if origin != trusted.name:
        problems.append(Problem(None, f"the bundle is for log {origin!r}, not {trusted.name!r}"))
    checkpoint: Checkpoint | None = None
    try:
        checkpoint = verify_checkpoint(str(doc["checkpoint"]), trusted)
    except LedgerInputError as exc:
        problems.append(Problem(None, f"checkpoint: {exc}"))
    if checkpoint is not None and checkpoint.origin != origin:
        problems.append(Problem(None, f"the checkpoint is for log {checkpoint.origin!r}"))
    items = doc["entries"]
    entries: list[Entry] = []
    if not isinstance(items, list) or not items:
        problems.append(Problem(None, "the bundle has no entries"))
        items = []
    last = -1
    for item in items:
        entry = _check_entry(item, case_id, checkpoint, last, problems)
        if entry is not None:
            entries.append(entry)
            last = entry.index
        elif isinstance(item, dict) and type(item.get("index")) is int:
            last = max(last, item["index"])
    if len(entries) == len(items) and doc["timeline"] != timeline(entries):
        problems.append(Problem(None, "the timeline is not the one the entries give"))
    size = checkpoint.size if checkpoint else None
    root = checkpoint.root if checkpoint else None
    return BundleReport(
        case_id if isinstance(case_id, str) else None, len(entries), size, root, tuple(problems)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m channelwatch.ledger.offline",
        description="Verify a ChannelWatch inquiry bundle offline against a trusted public key.",
    )
    parser.add_argument("bundle", type=Path, help="the exported bundle (.json or .html)")
    parser.add_argument("pubkey", type=Path, help="the ledger's public key (verifier key or PEM)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        data = args.bundle.read_bytes()
        key_text = args.pubkey.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = verify_bundle(data, key_text)
    if args.json:
        print(json.dumps(report.to_dict()))
    else:
        print(report.summary())
        for problem in report.problems[1:]:
            print(f"  {problem}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
