"""Envelopes and their checks: the sender's checkpoint binds it to what its partner received."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.events import Event
from channelwatch.federation.envelope import (
    Envelope,
    envelope_from_bytes,
    envelope_from_dict,
)
from channelwatch.federation.errors import EnvelopeError, VerificationError
from channelwatch.federation.outbox import pending
from channelwatch.federation.share import Kind
from channelwatch.federation.verify import Consistency, SeenCheckpoint, verify_envelope
from channelwatch.ledger import Ledger
from channelwatch.ledger.note import VerifierKey, parse_checkpoint

T = datetime(2021, 11, 24, 2, 0, tzinfo=UTC)


def _contact(i: int) -> Event:
    return Event(
        "observation.contact",
        T,
        "radar-gn-1",
        {
            "time": T.isoformat(),
            "lat": 50.9 + i * 1e-3,
            "lon": 1.6,
            "sensor": "radar",
            "sensor_id": "radar-gn-1",
            "sigma_m": 150.0,
            "report_id": f"r{i}",
        },
    )


@pytest.fixture()
def sender(tmp_path: Path) -> Ledger:
    ledger = Ledger.create(tmp_path / "fr.db", origin="cross-gris-nez")
    for i in range(5):
        ledger.append(_contact(i))
    ledger.append(Event("case_note", T, "FR/gn-op-7", {"case_id": "C-0001", "text": "x"}))
    return ledger


def _seen(env: Envelope) -> SeenCheckpoint:
    cp = parse_checkpoint(env.checkpoint)
    return SeenCheckpoint(cp.size, cp.root)


def test_envelopes_of_the_shared_entries_verify_and_chain(sender: Ledger) -> None:
    first = pending(sender, "FR", 0)
    assert [e.index for e in first.envelopes] == [0, 1, 2, 3, 4]  # the note stayed home
    assert first.next_index == 6
    key = sender.public_key
    last = None
    for env in first.envelopes:
        assert envelope_from_bytes(env.to_bytes()) == env
        v = verify_envelope(env, key, last)
        assert v.consistency is (Consistency.FIRST if last is None else Consistency.SAME)
        last = _seen(env)
        assert env.sender == "FR" and env.kind is Kind.CONTACT
        assert env.event.actor == "FR/source"  # a sensor's name is not passed as an actor
        assert env.event.payload["sensor_id"] == "radar-gn-1"
    for i in range(5, 8):
        sender.append(_contact(i))
    second = pending(sender, "FR", first.next_index, previous_size=last.size if last else None)
    assert [e.index for e in second.envelopes] == [6, 7, 8]
    assert verify_envelope(second.envelopes[0], key, last).consistency is Consistency.CHECKED
    # A receiver that missed the previous message cannot check consistency, and says so.
    assert (
        verify_envelope(second.envelopes[0], key, SeenCheckpoint(2, b"\0" * 32)).consistency
        is Consistency.UNCHECKED
    )


def test_a_tampered_event_a_foreign_key_or_a_rewritten_log_is_refused(
    sender: Ledger, tmp_path: Path
) -> None:
    env = pending(sender, "FR", 0).envelopes[2]
    key = sender.public_key
    other = Ledger.create(tmp_path / "other.db", origin="cross-gris-nez")
    with pytest.raises(VerificationError, match="checkpoint rejected"):
        verify_envelope(env, other.public_key, None)
    wrong_leaf = dataclasses.replace(env, leaf_hash=bytes(32))
    with pytest.raises(VerificationError, match="inclusion proof"):
        verify_envelope(wrong_leaf, key, None)
    beyond = dataclasses.replace(env, index=99)
    with pytest.raises(VerificationError, match="not covered"):
        verify_envelope(beyond, key, None)
    # Same tree size, another root: a fork of the partner's log.
    seen = _seen(env)
    with pytest.raises(VerificationError, match="forked"):
        verify_envelope(env, key, SeenCheckpoint(seen.size, bytes(32)))
    # A later message whose consistency proof does not lead from what was seen.
    sender.append(_contact(9))
    later = pending(sender, "FR", 6, previous_size=seen.size).envelopes[0]
    with pytest.raises(VerificationError, match="rewritten"):
        verify_envelope(later, key, SeenCheckpoint(seen.size, bytes(32)))
    other.close()


def test_an_older_checkpoint_is_accepted_but_not_taken_as_the_latest(sender: Ledger) -> None:
    env = pending(sender, "FR", 0).envelopes[0]
    seen = _seen(env)
    assert (
        verify_envelope(
            env, sender.public_key, SeenCheckpoint(seen.size + 3, bytes(32))
        ).consistency
        is Consistency.OLDER
    )


@pytest.mark.parametrize(
    ("patch", "match"),
    [
        ({"v": 2}, "version"),
        ({"sender": "fr"}, "sender"),
        ({"kind": "gossip"}, "kind"),
        ({"index": -1}, "index"),
        ({"leaf_hash": "zz"}, "leaf_hash"),
        ({"leaf_hash": "00"}, "32"),
        ({"checkpoint": 5}, "checkpoint"),
        ({"inclusion": "ab"}, "inclusion"),
        ({"event": {"type": "x"}}, "event"),
    ],
)
def test_malformed_envelopes_name_the_bad_field(
    sender: Ledger, patch: dict[str, object], match: str
) -> None:
    doc = {**pending(sender, "FR", 0).envelopes[0].to_dict(), **patch}
    with pytest.raises(EnvelopeError, match=match):
        envelope_from_dict(doc)


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_garbage_is_an_envelope_error_never_a_crash(data: bytes) -> None:
    with pytest.raises(EnvelopeError):
        envelope_from_bytes(data)


def test_a_verifier_key_line_from_ledger_pubkey_is_what_the_partner_uses(sender: Ledger) -> None:
    key = VerifierKey.parse(str(sender.public_key))
    env = pending(sender, "FR", 0).envelopes[0]
    assert verify_envelope(env, key, None).checkpoint.origin == "cross-gris-nez"
