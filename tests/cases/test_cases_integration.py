"""The case book with the real neighbours: the ledger as its sink, the assessment as its assessor.

Skipped only if those packages are absent from the checkout.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from channelwatch.cases import Actor, CaseBook, OpenCase, Report, ReportKind, replay
from channelwatch.cases.scenario import run_scenario
from channelwatch.events import MemorySink

Lookup = Callable[[float, float], str | None]


def _need(module: str, name: str) -> Any:
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        found = None
    if found is None:
        pytest.skip(f"{module}.{name} not available")
    return found


def test_cases_recorded_in_the_ledger_rebuild_and_verify(
    tmp_path: Path, nov2021_doc: dict[str, Any], srr_lookup: Lookup
) -> None:
    ledger_cls = _need("channelwatch.ledger", "Ledger")
    with ledger_cls.create(tmp_path / "record.db") as ledger:
        book = CaseBook(ledger, srr_lookup)
        result = run_scenario(nov2021_doc, book)
        assert result.unexpected == []
        assert ledger.size == len(book.events)
        report = ledger.verify()
        assert report.ok, report
        # What a server does on start: rebuild every case from the ledger alone.
        events = [entry.to_event() for entry in ledger.entries()]
        assert replay(events).cases == book.cases
        case_id = book.case_of_report("call-07").case_id
        kinds = {e.type for e in ledger.case_entries(case_id)}
        assert {
            "case_opened",
            "handover_requested",
            "handover_accepted",
            "case_closed",
            "command_refused",
            "correlation_suggested",
        } <= kinds


def test_the_assessment_attaches_a_phase(nov2021_doc: dict[str, Any], srr_lookup: Lookup) -> None:
    _need("channelwatch.assess", "assess")
    from channelwatch.cases.assessment import make_assessor

    sink = MemorySink()
    book = CaseBook(sink, srr_lookup, assessor=make_assessor())
    result = run_scenario(nov2021_doc, book)
    assert result.unexpected == []
    attached = sink.of_type("assessment_attached")
    by_case = {e.payload["case_id"]: e for e in attached if e.actor == "SYSTEM/channelwatch"}
    sinking = book.case_of_report("call-07").case_id
    first = by_case[sinking]
    # Taking water, overloaded, a call for help: the assessment says distress, and says why.
    assert first.payload["phase"] == "distress"
    codes = {f["code"] for f in first.payload["assessment"]["factors"]}
    assert {"taking_water", "engine_failed", "request_for_assistance"} <= codes
    json.dumps(first.payload)  # JSON-able, as the ledger needs
    assert not sink.of_type("advice_shown")  # no assessment failed


def test_no_position_no_assessment(line_srr: Lookup) -> None:
    _need("channelwatch.assess", "assess")
    from channelwatch.cases.assessment import make_assessor

    book = CaseBook(MemorySink(), line_srr, assessor=make_assessor())
    t = datetime(2021, 11, 24, 2, 15, tzinfo=UTC)
    res = book.execute(
        OpenCase(
            actor=Actor("op", "GB"), time=t, report=Report("c", ReportKind.CALL, t, persons=33)
        )
    )
    assert [e.type for e in res.events] == ["case_opened"]
