"""The inquiry bundle: exported from the ledger, verified offline with only the public key."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channelwatch.events import Event
from channelwatch.ledger import Ledger, LedgerInputError, VerifierKey
from channelwatch.ledger.bundle import bundle_bytes, bundle_json, kind_of
from channelwatch.ledger.canonical import canonical_json
from channelwatch.ledger.keys import public_pem
from channelwatch.ledger.offline import main, verify_bundle

T = datetime(2021, 11, 24, 1, 0, tzinfo=UTC)
CASE = "CG-2021-1124-01"


def case_story() -> list[Event]:
    """A case as the other packages will record it: calls, assessment, advice, decisions."""
    return [
        Event(
            "call.received", T, "operator:CROSS-GN", {"case_id": CASE, "persons": 33, "lat": 51.0}
        ),
        Event(
            "assessment.phase",
            T.replace(minute=2),
            "assess",
            {"case_id": CASE, "phase": "distress"},
            "sha256:doctrine-v3",
        ),
        Event(
            "doctrine.advice",
            T.replace(minute=3),
            "doctrine",
            {"case_id": CASE, "advice": "rescue", "cite": "Reg. 656/2014 art. 9(2)(f)"},
            "sha256:doctrine-v3",
        ),
        Event(
            "case.decision",
            T.replace(minute=5),
            "operator:CROSS-GN",
            {"case_id": CASE, "decision": "task SNSM Calais", "note": "<b>not markup</b> & more"},
        ),
        Event(
            "case.handover",
            T.replace(minute=40),
            "operator:HMCG-Dover",
            {"case_id": CASE, "to": "HMCG Dover", "accepted": True},
        ),
    ]


@pytest.fixture()
def exported(ledger: Ledger, real_events: list[Event]) -> tuple[dict[str, object], VerifierKey]:
    story = case_story()
    for i, event in enumerate(story):
        ledger.append_many(real_events[i * 300 : (i + 1) * 300])
        ledger.append(event)
    return ledger.export_case(CASE), ledger.public_key


def test_a_bundle_verifies_offline(exported: tuple[dict[str, object], VerifierKey]) -> None:
    bundle, key = exported
    assert [e["index"] for e in bundle["entries"]] == [300, 601, 902, 1203, 1504]  # type: ignore[index]
    for fmt in ("json", "html"):
        report = verify_bundle(bundle_bytes(bundle, fmt), key)
        assert report.ok, report.summary()
        assert report.entries == 5 and report.tree_size == 1505
    assert verify_bundle(bundle_json(bundle), str(key)).ok


def test_the_timeline_says_what_was_advised_and_what_was_decided(
    exported: tuple[dict[str, object], VerifierKey],
) -> None:
    bundle, _ = exported
    kinds = [(r["type"], r["kind"]) for r in bundle["timeline"]]  # type: ignore[attr-defined]
    assert kinds == [
        ("call.received", "recorded"),
        ("assessment.phase", "advised"),
        ("doctrine.advice", "advised"),
        ("case.decision", "decided"),
        ("case.handover", "decided"),
    ]
    page = bundle_bytes(bundle, "html").decode()
    assert "2021-11-24 01:05:00 UTC" in page and "operator:CROSS-GN" in page
    assert "task SNSM Calais" in page and "Reg. 656/2014 art. 9(2)(f)" in page
    assert "&lt;b&gt;not markup&lt;/b&gt; &amp; more" in page  # payload text is escaped
    # Self-contained: no external resource of any kind, no script that runs.
    assert not re.search(r"(src|href)\s*=", page)
    assert "http://" not in page and "https://" not in page and "@import" not in page
    assert page.count("<script") == 1 and 'type="application/json"' in page


def test_the_verifier_needs_the_right_key(exported: tuple[dict[str, object], VerifierKey]) -> None:
    bundle, _ = exported
    stranger = VerifierKey.from_public_key(
        str(bundle["origin"]), Ed25519PrivateKey.generate().public_key()
    )
    report = verify_bundle(bundle_json(bundle), stranger)
    assert not report.ok and "not the trusted key" in report.summary()


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fmt=st.sampled_from(["json", "html"]), position=st.integers(min_value=0), bit=st.integers(0, 7)
)
def test_any_flipped_bit_of_a_bundle_file_is_detected(
    exported: tuple[dict[str, object], VerifierKey], fmt: str, position: int, bit: int
) -> None:
    bundle, key = exported
    data = bytearray(bundle_bytes(bundle, fmt))
    data[position % len(data)] ^= 1 << bit
    assert not verify_bundle(bytes(data), key).ok


def test_edited_removed_reordered_and_forged_entries_are_detected(
    exported: tuple[dict[str, object], VerifierKey],
) -> None:
    bundle, key = exported
    entries = bundle["entries"]
    assert isinstance(entries, list)

    def check(changed: dict[str, object], index: int | None, words: str) -> None:
        report = verify_bundle(bundle_json(changed), key)
        assert not report.ok
        assert report.first_bad_index == index
        assert words in report.summary()

    # An edited decision, re-serialised canonically and with the timeline made to match.
    edited = json.loads(json.dumps(bundle))
    doc = json.loads(edited["entries"][3]["entry"])
    doc["payload"]["decision"] = "stop the boat"
    edited["entries"][3]["entry"] = canonical_json(doc).decode()
    edited["timeline"][3]["details"] = [
        d if d[0] != "decision" else ["decision", "stop the boat"]
        for d in edited["timeline"][3]["details"]
    ]
    check(edited, 1203, "inclusion proof does not lead to the signed root")
    # A forged entry slotted in with a borrowed proof.
    forged = json.loads(json.dumps(bundle))
    extra = dict(forged["entries"][0], index=301)
    forged["entries"].insert(1, extra)
    check(forged, 301, "inclusion proof")
    # Two entries swapped.
    swapped = json.loads(json.dumps(bundle))
    swapped["entries"][0], swapped["entries"][1] = swapped["entries"][1], swapped["entries"][0]
    assert not verify_bundle(bundle_json(swapped), key).ok
    # An entry removed, with the timeline cut to match: each remaining entry still proves, and
    # a bundle cannot prove completeness on its own (see the design note); what is claimed holds.
    removed = json.loads(json.dumps(bundle))
    del removed["entries"][3]
    del removed["timeline"][3]
    assert verify_bundle(bundle_json(removed), key).ok
    # A changed timeline (what the reader sees) is caught.
    retold = json.loads(json.dumps(bundle))
    retold["timeline"][3]["kind"] = "advised"
    check(retold, None, "timeline")
    # An entry of another case is refused.
    other = json.loads(json.dumps(bundle))
    other["case_id"] = "OTHER"
    check(other, 300, "belongs to case")


def test_offline_command_line(
    exported: tuple[dict[str, object], VerifierKey], tmp_path: Path
) -> None:
    bundle, key = exported
    html, pub = tmp_path / "case.html", tmp_path / "pub.txt"
    html.write_bytes(bundle_bytes(bundle, "html"))
    pub.write_text(f"{key}\n")
    assert main([str(html), str(pub)]) == 0
    damaged = tmp_path / "damaged.html"
    damaged.write_bytes(html.read_bytes().replace(b"task SNSM Calais", b"task SNSM Dunkrk", 1))
    assert main([str(damaged), str(pub), "--json"]) == 1
    pem = tmp_path / "pub.pem"
    pem.write_text(public_pem(Ed25519PublicKey.from_public_bytes(key.public_key)))
    run = subprocess.run(
        [sys.executable, "-m", "channelwatch.ledger.offline", str(html), str(pem)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"ok: case {CASE}: 5 entries")


def test_export_needs_a_known_case(ledger: Ledger) -> None:
    ledger.append(Event("t", T, "a", {"case_id": "A"}))
    with pytest.raises(LedgerInputError, match="no entries for case 'B'"):
        ledger.export_case("B")
    with pytest.raises(LedgerInputError, match="not json or html"):
        bundle_bytes(ledger.export_case("A"), "pdf")


@pytest.mark.parametrize(
    ("event_type", "kind"),
    [
        ("doctrine.advice", "advised"),
        ("doctrine.verdict", "advised"),
        ("case.decision", "decided"),
        ("case.close", "decided"),
        ("case.handover-accepted", "decided"),
        ("observation.nmea", "recorded"),
    ],
)
def test_kind_of_event_types(event_type: str, kind: str) -> None:
    assert kind_of(event_type) == kind
