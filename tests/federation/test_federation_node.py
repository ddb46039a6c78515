"""Two centres in one process, messages carried by a pump instead of NATS: apply once, in order,
record what was received with the sender's checkpoint, and move a case only on acceptance."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fed_helpers import Centres, make_centres

from channelwatch.cases.commands import (
    AcceptHandover,
    OpenCase,
    RejectHandover,
    RequestHandover,
    SuggestCorrelation,
    WithdrawHandover,
)
from channelwatch.cases.errors import CaseCommandError
from channelwatch.cases.model import Actor, Report, ReportKind, Role
from channelwatch.events import Event, utcnow
from channelwatch.federation.envelope import envelope_from_bytes
from channelwatch.federation.errors import FederationInputError
from channelwatch.federation.node import Node, Outcome
from channelwatch.federation.outbox import pending
from channelwatch.federation.share import COMMAND_SENT, RECEIVED, REJECTED
from channelwatch.ledger import Ledger

FR_OP = Actor("gn-op-7", "FR")
GB_OP = Actor("dover-op-3", "GB")
GB_SUP = Actor("dover-sup-1", "GB", Role.SUPERVISOR)


def _open(c: Centres, lat: float = 50.95, lon: float = 1.60, rid: str = "call-1") -> str:
    t = utcnow()
    report = Report(rid, ReportKind.CALL, t, lat, lon, 100.0, persons=40, received_by="FR")
    advice = c.fr.execute(SuggestCorrelation(actor=FR_OP, time=t, report=report)).advice
    result = c.fr.execute(OpenCase(actor=FR_OP, time=t, report=report, advice=advice))
    assert result.case_id is not None
    return result.case_id


def _request(c: Centres, case_id: str) -> None:
    c.fr.execute(
        RequestHandover(
            actor=FR_OP, time=utcnow(), case_id=case_id, reason="heading for the UK side"
        )
    )


def test_a_handover_moves_the_case_only_when_the_receiving_centre_accepts(
    centres: Centres,
) -> None:
    c = centres
    cid = _open(c)
    _request(c, cid)
    c.sync()
    mirror = c.gb.state.partners["FR"].cases.cases[cid]
    assert mirror.pending_handover is not None and mirror.pending_handover.to_centre == "GB"
    # Nothing happens by itself, however often the centres exchange messages.
    c.sync()
    assert c.fr.state.own.cases[cid].centre == "FR"
    assert c.gb.state.partners["FR"].cases.cases[cid].centre == "FR"
    c.gb.send_command("FR", AcceptHandover(actor=GB_OP, time=utcnow(), case_id=cid))
    assert c.fr.state.own.cases[cid].centre == "FR"  # sent, not yet applied at home
    c.sync()
    assert c.fr.state.own.cases[cid].centre == "GB"
    assert c.gb.state.partners["FR"].cases.cases[cid].centre == "GB"
    home = c.fr.state.own.cases[cid].handovers[-1]
    assert home.resolved_by == "GB/operator"  # the partner's operator, by role only
    # GB's own ledger names who decided; FR's names the role and GB's ledger index of it.
    sent = [e for e in c.gb.ledger.entries() if e.type == COMMAND_SENT]
    assert [e.actor for e in sent] == ["GB/dover-op-3"]
    receipts = [e for e in c.fr.ledger.entries() if e.type == RECEIVED]
    assert receipts[-1].payload["sender_index"] == sent[0].index
    assert "dover-op-3" not in str([e.data for e in c.fr.ledger.entries()])


def test_the_command_and_its_effect_are_one_transaction_at_home(centres: Centres) -> None:
    c = centres
    cid = _open(c)
    _request(c, cid)
    c.sync()
    c.gb.send_command("FR", AcceptHandover(actor=GB_OP, time=utcnow(), case_id=cid))
    receipts = c.to_fr.run()
    assert [r.outcome for r in receipts] == [Outcome.APPLIED]
    first, second = receipts[0].indices
    assert second == first + 1
    assert c.fr.ledger.entry(first).type == RECEIVED
    assert c.fr.ledger.entry(second).type == "handover_accepted"
    assert c.fr.ledger.entry(first).payload["case_id"] == cid


def test_redelivery_and_republication_are_applied_once(centres: Centres) -> None:
    c = centres
    _open(c)
    c.sync()
    before = c.gb.ledger.size
    # The stream redelivers an acknowledged-but-lost message (same sequence) ...
    assert c.gb.receive("FR", c.to_gb.sent[0], 1).outcome is Outcome.DUPLICATE
    # ... or the sender re-publishes after its duplicate window (a new sequence).
    again = c.gb.receive("FR", c.to_gb.sent[0], c.to_gb.seq + 1)
    assert again.outcome is Outcome.DUPLICATE
    assert c.gb.ledger.size == before
    # The skipped sequence counts as handled: the next message is not seen as a gap.
    assert c.gb.state.partners["FR"].stream_seq == c.to_gb.seq + 1


def test_a_bad_message_is_recorded_and_does_not_block_the_stream(centres: Centres) -> None:
    c = centres
    _open(c)
    c.sync()
    seq = c.to_gb.seq
    junk = c.gb.receive("FR", b"{not json", seq + 1)
    forged_doc = envelope_from_bytes(c.to_gb.sent[0]).to_dict()
    forged_doc["index"] = 1000
    forged = c.gb.receive("FR", json.dumps(forged_doc).encode(), seq + 2)
    assert junk.outcome is Outcome.REJECTED and forged.outcome is Outcome.REJECTED
    assert "not covered" in (forged.error or "")
    rejected = [e for e in c.gb.ledger.entries() if e.type == REJECTED]
    assert [e.payload["stream_seq"] for e in rejected] == [seq + 1, seq + 2]
    c.to_gb.seq = seq + 2
    _open(c, rid="call-2", lat=50.97)
    assert [r.outcome for r in c.to_gb.run()] == [Outcome.APPLIED]


def test_a_command_that_would_be_refused_at_home_is_refused_and_recorded_here(
    centres: Centres,
) -> None:
    c = centres
    cid = _open(c)
    c.sync()
    with pytest.raises(CaseCommandError, match="no pending handover"):
        c.gb.send_command("FR", AcceptHandover(actor=GB_OP, time=utcnow(), case_id=cid))
    refused = [e for e in c.gb.ledger.entries() if e.type == "command_refused"]
    assert refused and refused[0].payload["case_id"] == f"FR:{cid}"
    assert c.gb.state.commands_sent == []
    with pytest.raises(FederationInputError, match="no case FR:C-0099"):
        c.gb.send_command("FR", AcceptHandover(actor=GB_OP, time=utcnow(), case_id="C-0099"))
    with pytest.raises(FederationInputError, match="not of FR"):
        c.fr.execute(AcceptHandover(actor=GB_OP, time=utcnow(), case_id=cid))


def test_a_refusal_at_home_goes_back_to_the_partner(centres: Centres) -> None:
    c = centres
    cid = _open(c)
    _request(c, cid)
    c.sync()
    c.gb.send_command(
        "FR", RejectHandover(actor=GB_SUP, time=utcnow(), case_id=cid, reason="no asset free")
    )
    # Before GB's rejection reaches it, FR withdraws its request: GB's command no longer fits.
    c.fr.execute(WithdrawHandover(actor=FR_OP, time=utcnow(), case_id=cid, reason="boat found"))
    c.sync()
    view = c.gb.state.partners["FR"]
    assert len(view.refusals) == 1
    assert "withdrawn" in str(view.refusals[0]["error"])
    assert view.cases.cases[cid].handovers[-1].status == "withdrawn"


def test_an_accept_after_the_deadline_is_refused_and_the_case_stays(centres: Centres) -> None:
    c = centres
    cid = _open(c)
    _request(c, cid)
    c.sync()
    late = utcnow() + timedelta(hours=1)
    with pytest.raises(CaseCommandError):
        c.gb.send_command("FR", AcceptHandover(actor=GB_OP, time=late, case_id=cid))
    assert c.fr.state.own.cases[cid].centre == "FR"


def test_a_forwarded_command_in_another_centres_name_is_refused(centres: Centres) -> None:
    c = centres
    cid = _open(c)
    _request(c, cid)
    c.sync()
    index = c.gb.send_command("FR", AcceptHandover(actor=GB_OP, time=utcnow(), case_id=cid))
    env = pending(c.gb.ledger, "GB", index).envelopes[0]
    # Tamper in transit: the signature binds the leaf, not this copy, so the home node must
    # still judge the actor itself.
    doc = env.to_dict()
    doc["event"]["payload"]["actor"]["centre"] = "FR"
    receipt = c.fr.receive("GB", json.dumps(doc).encode(), 1)
    assert receipt.outcome is Outcome.APPLIED
    refusal = c.fr.ledger.entry(receipt.indices[1])
    assert refusal.type == "command_refused" and "not of GB" in refusal.payload["error"]
    assert c.fr.state.own.cases[cid].centre == "FR"


def test_the_state_is_the_fold_of_the_ledger(centres: Centres, srr: Callable[..., str]) -> None:
    c = centres
    cid = _open(c)
    _request(c, cid)
    c.sync()
    c.gb.send_command("FR", AcceptHandover(actor=GB_OP, time=utcnow(), case_id=cid))
    c.sync()
    for node, path in ((c.fr, c.paths["FR"]), (c.gb, c.paths["GB"])):
        with Ledger.open(path, without_key=True) as again:
            fresh = Node(node.centre, again, sar_region=srr).state.summary()
        assert fresh == node.state.summary()


def test_centre_codes_and_partners_are_checked(tmp_path: Path) -> None:
    ledger = Ledger.create(tmp_path / "x.db")
    with pytest.raises(FederationInputError, match="capital"):
        Node("fr", ledger)
    with pytest.raises(FederationInputError, match="own partner"):
        Node("FR", ledger, partner_keys={"FR": ledger.public_key})
    ledger.close()


def test_tracks_and_contacts_of_the_partner_are_kept(centres: Centres) -> None:
    c = centres
    t = utcnow()
    c.fr.ledger.append(
        Event(
            "track.picture",
            t,
            "SYSTEM/tracker",
            {"time": t.isoformat(), "tracks": [{"track_id": "T-1", "lat": 51.0, "lon": 1.6}]},
        )
    )
    c.sync()
    assert c.gb.state.partners["FR"].tracks == {
        "time": t.isoformat(),
        "tracks": [{"track_id": "T-1", "lat": 51.0, "lon": 1.6}],
    }


def test_a_second_pair_of_centres_starts_from_empty(
    tmp_path: Path, srr: Callable[..., str]
) -> None:
    c = make_centres(tmp_path, srr)
    try:
        assert c.gb.state.partners["FR"].sender_index == -1
        assert c.to_gb.run() == []
    finally:
        c.close()


def test_the_partners_checkpoint_seen_here_is_a_witness_for_its_auditors(
    centres: Centres, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from channelwatch.cli.main import app

    c = centres
    cid = _open(c)
    _request(c, cid)
    c.sync()
    runner = CliRunner()
    note = tmp_path / "fr-seen.note"
    gb, fr = str(c.paths["GB"]), str(c.paths["FR"])
    done = runner.invoke(
        app, ["federation", "witness", "--centre", "GB", "--ledger", gb, "--from", "FR",
              "--out", str(note)],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert runner.invoke(app, ["ledger", "verify", fr, "--checkpoint", str(note)]).exit_code == 0
    shown = runner.invoke(app, ["federation", "status", "--centre", "GB", "--ledger", gb, "--json"])
    assert json.loads(shown.output)["partners"]["FR"]["cases_detail"][0]["case_id"] == cid
    none = runner.invoke(
        app, ["federation", "witness", "--centre", "FR", "--ledger", fr, "--from", "BE",
              "--out", str(note)],
    )  # fmt: skip
    assert none.exit_code == 2 and "no message from 'BE'" in none.output
    bad = runner.invoke(
        app, ["federation", "accept", "--centre", "GB", "--ledger", gb, "--actor", "x",
              "--case", "fr:C-1"],
    )  # fmt: skip
    assert bad.exit_code == 2 and "capital" in bad.output
