"""Applying a partner's messages in batches (one transaction per fetched batch): the same record
as one at a time, whatever the split and the re-deliveries; a command on one of this centre's
cases still sees everything before it."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fed_helpers import Centres, make_centres
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channelwatch.cases.codec import actor_to_dict, case_to_dict
from channelwatch.cases.commands import AcceptHandover, OpenCase, RequestHandover
from channelwatch.cases.model import Actor, Report, ReportKind
from channelwatch.events import Event, utcnow
from channelwatch.federation.commands import command_to_dict
from channelwatch.federation.node import Node, Outcome
from channelwatch.federation.outbox import pending
from channelwatch.federation.share import COMMAND_SENT, RECEIVED, REJECTED
from channelwatch.ledger import Ledger

FR_OP = Actor("gn-op-7", "FR")
GB_OP = Actor("dover-op-3", "GB")
Lookup = Callable[[float, float], str | None]


def _stream(node: Node) -> list[bytes]:
    """Every message of ``node``'s outbox, in stream order (sequence k + 1 for item k)."""
    out: list[bytes] = []
    cursor, previous = 0, None
    while True:
        batch = pending(node.ledger, node.centre, cursor, previous_size=previous)
        for env in batch.envelopes:
            out.append(env.to_bytes())
            previous = int(env.checkpoint.split("\n")[1])
        if batch.next_index == cursor:
            return out
        cursor = batch.next_index


def _fr_history(c: Centres, contacts: int = 12) -> str:
    """FR records contacts, opens a case and asks GB to take it, then more contacts."""
    t = utcnow()
    for k in range(contacts):
        c.fr.ledger.append(
            Event(
                "observation.contact",
                t,
                "radar-gn-1",
                {"time": t.isoformat(), "lat": 50.9, "lon": 1.5 + k * 1e-3, "sensor": "radar"},
            )
        )
        if k == contacts // 2:
            report = Report("call-1", ReportKind.CALL, t, 50.95, 1.6, 100.0, persons=40)
            case_id = c.fr.execute(OpenCase(actor=FR_OP, time=t, report=report)).case_id
            assert case_id is not None
            c.fr.execute(RequestHandover(actor=FR_OP, time=t, case_id=case_id, reason="UK side"))
    return case_id


@pytest.fixture(scope="module")
def fr_stream(tmp_path_factory: pytest.TempPathFactory, srr: Lookup) -> dict[str, Any]:
    c = make_centres(tmp_path_factory.mktemp("batch"), srr)
    try:
        case_id = _fr_history(c)
        stream = _stream(c.fr)
        return {"stream": stream, "key": c.fr.ledger.public_key, "case_id": case_id}
    finally:
        c.close()


def _gb(tmp: Path, key: Any, srr: Lookup) -> Node:
    return Node(
        "GB",
        Ledger.create(tmp / "gb.db", origin="hmcg-dover"),
        partner_keys={"FR": key},
        sar_region=srr,
    )


def _received(node: Node) -> list[int]:
    return [int(e.payload["sender_index"]) for e in node.ledger.entries() if e.type == RECEIVED]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_split_and_redelivery_records_each_message_once_in_order(
    data: st.DataObject, fr_stream: dict[str, Any], srr: Lookup
) -> None:
    stream: list[bytes] = fr_stream["stream"]
    n = len(stream)
    # Deliveries as a stream would make them: in order, with runs delivered again (a lost ack,
    # a consumer re-created from an older position), cut into fetch batches of any size.
    # The stream: each message once, and now and then a run of them published again (a sender
    # that restarted from an older cursor after the duplicate window): new sequence numbers.
    held: list[bytes] = []
    for i in range(n):
        held.append(stream[i])
        if data.draw(st.integers(0, 4)) == 0:
            held += stream[max(0, i - data.draw(st.integers(0, 3))) : i + 1]
    deliveries: list[int] = []  # positions in ``held``; sequence = position + 1
    k = 0
    while k < len(held):
        step = data.draw(st.integers(1, 5))
        deliveries += range(k, min(len(held), k + step))
        k = min(len(held), k + step)
        back = data.draw(st.integers(0, 3))
        if back:
            deliveries += range(max(0, k - back), k)
    cuts = sorted(set(data.draw(st.lists(st.integers(1, len(deliveries)), max_size=8))))
    with tempfile.TemporaryDirectory() as tmp:
        gb = _gb(Path(tmp), fr_stream["key"], srr)
        try:
            start = 0
            outcomes: list[Outcome] = []
            for stop in [*cuts, len(deliveries)]:
                part = deliveries[start:stop]
                receipts = gb.receive_batch("FR", [(held[i], i + 1) for i in part])
                assert len(receipts) == len(part)
                outcomes += [r.outcome for r in receipts]
                start = stop
            assert outcomes.count(Outcome.APPLIED) == n
            assert Outcome.REJECTED not in outcomes
            assert _received(gb) == sorted(_received(gb)) and len(_received(gb)) == n
            case = gb.state.partners["FR"].cases.cases[fr_stream["case_id"]]
            assert case.pending_handover is not None and case.centre == "FR"
            again = Node("GB", gb.ledger, partner_keys={"FR": fr_stream["key"]}, sar_region=srr)
            assert case_to_dict(again.state.partners["FR"].cases.cases[case.case_id]) == (
                case_to_dict(case)
            )
        finally:
            gb.ledger.close()


def test_a_bad_message_inside_a_batch_is_recorded_and_the_rest_applied(
    fr_stream: dict[str, Any], tmp_path: Path, srr: Lookup
) -> None:
    stream: list[bytes] = fr_stream["stream"]
    gb = _gb(tmp_path, fr_stream["key"], srr)
    try:
        batch = [(m, i + 1) for i, m in enumerate(stream[:4])]
        batch.insert(2, (b"not json", 3))
        batch[3:] = [(m, seq + 1) for m, seq in batch[3:]]
        receipts = gb.receive_batch("FR", batch)
        assert [r.outcome for r in receipts] == [
            Outcome.APPLIED,
            Outcome.APPLIED,
            Outcome.REJECTED,
            Outcome.APPLIED,
            Outcome.APPLIED,
        ]
        # one transaction: consecutive indices, the rejection in its place
        indices = [i for r in receipts for i in r.indices]
        assert indices == list(range(indices[0], indices[0] + 5))
        assert gb.ledger.entry(receipts[2].indices[0]).type == REJECTED
    finally:
        gb.ledger.close()


def test_a_command_inside_a_batch_sees_the_commands_before_it(tmp_path: Path, srr: Lookup) -> None:
    c = make_centres(tmp_path, srr)
    try:
        case_id = _fr_history(c, contacts=4)
        c.to_gb.run()
        # GB: a contact, its acceptance, then (having taken the case) a request that FR take it
        # back, and another contact; FR applies the four in one batch. The request is valid
        # only once the acceptance has run at home.
        t = utcnow()
        contact = {"time": t.isoformat(), "lat": 51.0, "lon": 1.4, "sensor": "radar"}
        c.gb.ledger.append(Event("observation.contact", t, "radar-dover-1", contact))
        c.gb.send_command("FR", AcceptHandover(actor=GB_OP, time=t, case_id=case_id))
        back = RequestHandover(actor=GB_OP, time=t, case_id=case_id, reason="back to the FR side")
        payload = {
            "case_id": f"FR:{case_id}",
            "home": "FR",
            "command": command_to_dict(back),
            "actor": actor_to_dict(GB_OP),
        }
        c.gb.ledger.append(Event(COMMAND_SENT, t, GB_OP.tag, payload))
        c.gb.ledger.append(Event("observation.contact", t, "radar-dover-1", contact))
        messages = _stream(c.gb)
        assert len(messages) == 4
        seen: list[Outcome] = []
        c.fr.on_applied.append(lambda r: seen.append(r.outcome))
        receipts = c.fr.receive_batch("GB", [(m, k + 1) for k, m in enumerate(messages)])
        assert [r.outcome for r in receipts] == [Outcome.APPLIED] * 4 == seen
        assert [len(r.indices) for r in receipts] == [1, 2, 2, 1]  # receipt + the home's event
        kinds = [c.fr.ledger.entry(r.indices[1]).type for r in receipts[1:3]]
        assert kinds == ["handover_accepted", "handover_requested"]
        indices = [i for r in receipts for i in r.indices]
        assert indices == sorted(indices)
        case = c.fr.state.own.cases[case_id]
        assert case.centre == "GB" and case.pending_handover is not None
        assert case.handovers[-1].from_centre == "GB"
    finally:
        c.close()
