"""Running the ledger's offline verifier on a bundle, and loading bundles (the edges).

The verifier checks the bundle file byte for byte, the checkpoint signature, every inclusion
proof and the derived timeline. Without a trusted key it can only check the bundle against the
key the bundle itself carries: that shows the bundle is intact, not who signed it, and the
report says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from channelwatch.analytics.errors import AnalyticsError, AnalyticsInputError
from channelwatch.analytics.report.model import Verification


def load_bundle(path: Path) -> tuple[dict[str, Any], bytes]:
    """A bundle file as exported by ``channelwatch ledger export`` (JSON or HTML) and its bytes."""
    from channelwatch.ledger.bundle import load_bundle_text
    from channelwatch.ledger.errors import LedgerError

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AnalyticsInputError(f"cannot read {path}: {exc.strerror}") from None
    try:
        doc, _ = load_bundle_text(data)
    except (LedgerError, UnicodeDecodeError) as exc:
        raise AnalyticsInputError(f"{path} is not a ledger bundle: {exc}") from None
    return doc, data


def bundle_from_ledger(location: str, case_id: str) -> tuple[dict[str, Any], bytes]:
    """Export the case's bundle straight from a ledger (a SQLite path or a PostgreSQL URL)."""
    from channelwatch.ledger import Ledger
    from channelwatch.ledger.bundle import bundle_json
    from channelwatch.ledger.errors import LedgerError, LedgerInputError

    try:
        with Ledger.open(location) as ledger:
            bundle = ledger.export_case(case_id)
    except LedgerInputError as exc:
        raise AnalyticsInputError(str(exc)) from None
    except LedgerError as exc:
        raise AnalyticsError(f"ledger {location}: {exc}") from None
    return bundle, bundle_json(bundle)


def read_key(value: str) -> str:
    """A verifier key given as its text or as a file holding it."""
    path = Path(value)
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    return value.strip()


def verify(bundle: Mapping[str, Any], data: bytes, trusted_key: str | None) -> Verification:
    """Run the offline verifier; the bundle's own key is used (and said) when none is given."""
    from channelwatch.ledger.merkle import leaf_hash
    from channelwatch.ledger.offline import verify_bundle

    key = trusted_key or str(bundle.get("public_key", ""))
    try:
        report = verify_bundle(data, key)
        ok: bool | None = report.ok
        summary = report.summary()
        problems = tuple(str(p) for p in report.problems)
        size, root = report.tree_size, (report.root.hex() if report.root else None)
    except Exception as exc:  # a verifier crash is reported as "not verified", never hidden
        ok, summary, problems, size, root = False, f"NOT VERIFIED: {exc}", (str(exc),), None, None
    leaves = {}
    for item in bundle.get("entries") or []:
        if isinstance(item, Mapping) and isinstance(item.get("entry"), str):
            leaves[int(item.get("index", -1))] = leaf_hash(item["entry"].encode("utf-8")).hex()
    return Verification(
        ok=ok,
        summary=summary,
        problems=problems,
        key_source="given" if trusted_key else "bundle",
        tree_size=size,
        root_hex=root,
        origin=str(bundle.get("origin", "")),
        checkpoint=str(bundle.get("checkpoint", "")),
        public_key=str(bundle.get("public_key", "")),
        leaf_hashes=leaves,
    )


def bundle_text(bundle: Mapping[str, Any]) -> str:
    """The bundle as indented JSON (for an appendix; the canonical file is the evidence)."""
    return json.dumps(bundle, indent=1, ensure_ascii=False, sort_keys=True)
