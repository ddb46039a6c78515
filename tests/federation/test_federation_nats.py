"""Two centres over a real nats-server: node processes and the server killed (SIGKILL) and
restarted mid-stream; nothing lost, nothing applied twice, nothing internal delivered, and a
handover still needs an operator of the receiving centre to accept it."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fed_helpers import NatsProc, NodeProc, cli, dump, received_indices, status, wait_until

from channelwatch.events import Event, utcnow
from channelwatch.federation.link import Link, LinkConfig
from channelwatch.federation.node import Node
from channelwatch.federation.share import REJECTED, share
from channelwatch.ledger import Ledger

pytestmark = [pytest.mark.nats, pytest.mark.timeout(300)]

SECRET = "caller's brother is in Calais"  # an operator's note: must never reach the partner


def _ais_pictures(shared_data: Path, n: int) -> list[dict[str, Any]]:
    """Track pictures (latest fix per vessel each minute) from the real Vernon AIS log."""
    from channelwatch.ingest.observation import AisPosition
    from channelwatch.ingest.sources import iter_observations

    path = shared_data / "ais" / "ais_vernon_20160331.log"
    fixes = itertools.islice(
        (o for o in iter_observations(path) if isinstance(o, AisPosition)), 4000
    )
    pictures: list[dict[str, Any]] = []
    latest: dict[int, dict[str, Any]] = {}
    minute = None
    for f in fixes:
        m = f.time.replace(second=0, microsecond=0)
        if minute is not None and m != minute and latest:
            pictures.append({"time": minute.isoformat(), "tracks": list(latest.values())})
            if len(pictures) == n:
                break
        minute = m
        latest[f.mmsi] = {
            "track_id": f"AIS-{f.mmsi}",
            "kind": "ship",
            "mmsi": f.mmsi,
            "lat": f.lat,
            "lon": f.lon,
            "sog_kn": f.sog_kn,
            "cog_deg": f.cog_deg,
            "last_update": f.time.isoformat(),
            "source": f.source,  # not on the allow-list: stays home
        }
    assert len(pictures) == n
    return pictures


def _round(ledger: Ledger, centre: str, k: int, picture: dict[str, Any]) -> None:
    """One round of what a centre records: contacts, a call with a note, a picture, and what
    must stay home (an internal note, raw AIS)."""
    t = utcnow()
    events = [
        Event(
            "observation.contact",
            t,
            f"radar-{centre.lower()}-1",
            {
                "time": t.isoformat(),
                "lat": 50.9 + k * 1e-3,
                "lon": 1.5 + i * 1e-3,
                "sensor": "radar",
                "sensor_id": f"radar-{centre.lower()}-1",
                "sigma_m": 150.0,
                "report_id": f"{centre}-r{k}-{i}",
            },
        )
        for i in range(8)
    ]
    events.append(
        Event(
            "observation.distress_call",
            t,
            f"{centre}/op-{k}",
            {
                "time": t.isoformat(),
                "lat": 50.95,
                "lon": 1.62,
                "accuracy_m": 80.0,
                "persons_reported": 40 + k,
                "engine": "failed",
                "call_id": f"{centre}-call-{k}",
                "note": SECRET,
            },
        )
    )
    events.append(Event("case_note", t, f"{centre}/op-{k}", {"case_id": "C-0001", "text": SECRET}))
    events.append(Event("observation.ais_position", t, "ais", {"mmsi": 1, "lat": 51, "lon": 1}))
    events.append(Event("track.picture", t, "SYSTEM/tracker", picture))
    for e in events:  # one commit each, as events come in: the node reads a growing ledger
        ledger.append(e)


def _shared_indices(ledger_path: Path, centre: str) -> list[int]:
    with Ledger.open(ledger_path, without_key=True) as ledger:
        return [e.index for e in ledger.entries() if share(e.to_event(), centre) is not None]


@contextlib.contextmanager
def _world(tmp_path: Path) -> Iterator[dict[str, Any]]:
    from servers import free_port

    paths = {c: tmp_path / f"{c.lower()}.db" for c in ("FR", "GB")}
    origins = {"FR": "cross-gris-nez", "GB": "hmcg-dover"}
    for c, p in paths.items():
        with Ledger.create(p, origin=origins[c]) as ledger:
            (tmp_path / f"{c}.pub").write_text(str(ledger.public_key) + "\n")
    (tmp_path / "js").mkdir()
    server = NatsProc(tmp_path / "js", free_port())
    server.start()
    nodes = {
        c: NodeProc(c, paths[c], server.url, o, tmp_path / f"{o}.pub", tmp_path / f"{c}.log")
        for c, o in (("FR", "GB"), ("GB", "FR"))
    }
    for n in nodes.values():
        n.start()
    try:
        yield {"paths": paths, "server": server, "nodes": nodes, "tmp": tmp_path}
    finally:
        for n in nodes.values():
            n.stop()
        server.stop()


def _logs(world: dict[str, Any]) -> str:
    return "\n".join(f"== {c}\n{dump(n.log)}" for c, n in world["nodes"].items())


def test_nothing_lost_nothing_twice_nothing_internal_through_kills_and_restarts(
    tmp_path: Path, shared_data: Path
) -> None:
    pictures = _ais_pictures(shared_data, 6)
    with _world(tmp_path) as w:
        paths, server, nodes = w["paths"], w["server"], w["nodes"]
        fr = Ledger.open(paths["FR"])
        gb = Ledger.open(paths["GB"])
        try:
            steps = [
                lambda: nodes["GB"].kill(),  # the receiving node dies mid-stream
                lambda: nodes["GB"].start(),
                lambda: server.kill(),  # the server dies (SIGKILL), with messages in flight
                lambda: server.start(),  # ... and comes back on the same store
                lambda: nodes["FR"].kill(),  # the sending node dies
                lambda: nodes["FR"].start(),
            ]
            seen = 0
            for k, picture in enumerate(pictures):
                _round(fr, "FR", k, picture)
                _round(gb, "GB", k, picture)
                if k < len(steps):
                    if k in (0, 2, 4):  # strike while this round's messages are under way
                        wait_until(
                            lambda n=seen: len(received_indices(paths["GB"], "FR")) > n,
                            60,
                            "traffic",
                        )
                        seen = len(received_indices(paths["GB"], "FR"))
                    steps[k]()
        finally:
            fr.close()
            gb.close()
        want = {c: _shared_indices(paths[c], c) for c in ("FR", "GB")}

        def complete() -> bool:
            return set(received_indices(paths["GB"], "FR")) >= set(want["FR"]) and set(
                received_indices(paths["FR"], "GB")
            ) >= set(want["GB"])

        try:
            wait_until(complete, 120, "every shared entry to arrive", every_s=0.5)
        except AssertionError:
            raise AssertionError(_logs(w)) from None
        for receiver, sender in (("GB", "FR"), ("FR", "GB")):
            got = received_indices(paths[receiver], sender)
            assert got == sorted(want[sender]), "each shared entry exactly once, in order"
            with Ledger.open(paths[receiver], without_key=True) as ledger:
                entries = ledger.entries()
            assert not [e for e in entries if e.type == REJECTED]
            text = b"\n".join(e.data for e in entries if e.type == "federation.received")
            assert SECRET.encode() not in text
            assert b"observation.ais_position" not in text and b'"source":' not in text
            assert f"{sender}/op-".encode() not in text  # staff references never leave
        assert nodes["FR"].starts == 2 and nodes["GB"].starts == 2
        summary = status("GB", paths["GB"], "FR")
        assert summary["by_kind"] == {"contact": 6 * 9, "track": 6}
        assert summary["tracks"] == len(pictures[-1]["tracks"])


def test_a_handover_survives_restarts_and_moves_only_on_acceptance(
    tmp_path: Path, shared_data: Path
) -> None:
    srr = str(shared_data / "geography" / "sar_regions.geojson")
    with _world(tmp_path) as w:
        paths, server, nodes = w["paths"], w["server"], w["nodes"]
        fr, gb = (str(paths["FR"]), str(paths["GB"]))
        cli("federation", "open", "--centre", "FR", "--ledger", fr, "--actor", "gn-op-7",
            "--report-id", "call-7", "--lat", "50.95", "--lon", "1.60", "--accuracy-m", "100",
            "--persons", "41", "--sar-regions", srr)  # fmt: skip
        cli("federation", "request", "--centre", "FR", "--ledger", fr, "--actor", "gn-op-7",
            "--case", "C-0001", "--reason", "the boat is heading into UK waters")  # fmt: skip

        def gb_sees(pending: bool) -> bool:
            cases = status("GB", paths["GB"], "FR")["cases_detail"]
            return bool(cases) and (cases[0]["pending_handover"] is not None) == pending

        try:
            wait_until(lambda: gb_sees(True), 60, "the request to reach GB")
        except AssertionError:
            raise AssertionError(_logs(w)) from None
        # Between request and acceptance: GB's node dies, then the server too.
        nodes["GB"].kill()
        server.kill()
        server.start()
        # The GB operator decides while GB's node is down: recorded now, sent on restart.
        done = cli("federation", "accept", "--centre", "GB", "--ledger", gb,
                   "--actor", "dover-op-3", "--case", "FR:C-0001", "--json")  # fmt: skip
        assert '"sent": true' in done.stdout
        assert status("FR", paths["FR"])["own_cases"][0]["centre"] == "FR"
        nodes["GB"].start()
        try:
            wait_until(lambda: gb_sees(False), 90, "the acceptance to come back to GB")
        except AssertionError:
            raise AssertionError(_logs(w)) from None
        fr_case = status("FR", paths["FR"])["own_cases"][0]
        gb_case = status("GB", paths["GB"], "FR")["cases_detail"][0]
        assert fr_case["centre"] == gb_case["centre"] == "GB"
        assert fr_case["handovers"][0]["status"] == gb_case["handovers"][0]["status"] == "accepted"
        with Ledger.open(paths["FR"], without_key=True) as ledger:
            accepted = [e for e in ledger.entries() if e.type == "handover_accepted"]
        assert len(accepted) == 1 and accepted[0].actor == "GB/operator"
        # A second accept is refused at GB itself: there is no pending request any more.
        again = cli("federation", "accept", "--centre", "GB", "--ledger", gb,
                    "--actor", "dover-op-3", "--case", "FR:C-0001", check=False)  # fmt: skip
        assert again.returncode == 2 and "no pending handover" in again.stderr


def test_no_request_no_transfer_however_long_the_link_runs(
    tmp_path: Path, shared_data: Path
) -> None:
    srr = str(shared_data / "geography" / "sar_regions.geojson")
    with _world(tmp_path) as w:
        paths = w["paths"]
        # A call placed in the UK SAR region: the system raises a request at once, nothing more.
        cli("federation", "open", "--centre", "FR", "--ledger", str(paths["FR"]),
            "--actor", "gn-op-7", "--report-id", "call-9", "--lat", "51.05", "--lon", "1.35",
            "--accuracy-m", "100", "--sar-regions", srr)  # fmt: skip
        case = status("FR", paths["FR"])["own_cases"][0]
        assert case["centre"] == "GB"  # coordinated where the first position is
        wait_until(
            lambda: bool(status("GB", paths["GB"], "FR")["cases_detail"]),
            60,
            "the case to reach GB",
        )
        assert status("GB", paths["GB"], "FR")["cases_detail"][0]["centre"] == "GB"


async def _run_pair(url: str, nodes: dict[str, Node], seconds: float) -> dict[str, Any]:
    stop = asyncio.Event()
    links = {c: Link(n, LinkConfig(url=url, poll_s=0.05)) for c, n in nodes.items()}
    tasks = [asyncio.create_task(link.run(stop)) for link in links.values()]
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*tasks)
    return {c: link.stats.to_dict() for c, link in links.items()}


def test_a_restarted_publisher_resumes_after_the_last_message_in_its_stream(
    nats_url: str, tmp_path: Path
) -> None:
    fr_l = Ledger.create(tmp_path / "fr.db", origin="cross-gris-nez")
    gb_l = Ledger.create(tmp_path / "gb.db", origin="hmcg-dover")
    nodes = {
        "FR": Node("FR", fr_l, partner_keys={"GB": gb_l.public_key}),
        "GB": Node("GB", gb_l, partner_keys={"FR": fr_l.public_key}),
    }
    t0 = datetime(2021, 11, 24, 1, 0, tzinfo=UTC)
    for i in range(40):
        t = t0 + timedelta(seconds=i)
        fr_l.append(
            Event("observation.contact", t, "radar-1", {"time": t.isoformat(), "lat": 51.0,
                  "lon": 1.6, "sensor": "radar", "sensor_id": "radar-1", "sigma_m": 100.0})
        )  # fmt: skip
    first = asyncio.run(_run_pair(nats_url, nodes, 4.0))
    assert first["FR"]["published"] == 40 and first["GB"]["applied"] == 40
    second = asyncio.run(_run_pair(nats_url, nodes, 2.5))
    assert second["FR"]["published"] == 0 and second["FR"]["republished"] == 0
    assert second["GB"]["applied"] == 0
    assert nodes["GB"].state.partners["FR"].sender_index == 39
    fr_l.close()
    gb_l.close()


def test_messages_dropped_by_the_stream_before_they_were_applied_are_recorded_as_a_gap(
    nats_url: str, tmp_path: Path
) -> None:
    import nats

    fr_l = Ledger.create(tmp_path / "fr.db", origin="cross-gris-nez")
    gb_l = Ledger.create(tmp_path / "gb.db", origin="hmcg-dover")
    gb = Node("GB", gb_l, partner_keys={"FR": fr_l.public_key})

    async def scenario() -> None:
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        await js.add_stream(name="CW_FR", subjects=["cw.FR.>"])
        for i in range(3):
            await js.publish("cw.FR.contact", b"{}", headers={"Nats-Msg-Id": f"old-{i}"})
        await js.purge_stream("CW_FR")  # as retention would, before GB ever read them
        await nc.close()
        stop = asyncio.Event()
        task = asyncio.create_task(Link(gb, LinkConfig(url=nats_url)).run(stop))
        await asyncio.sleep(2.0)
        stop.set()
        await task

    asyncio.run(scenario())
    gaps = [e for e in gb_l.entries() if e.type == "federation.gap"]
    assert [(e.payload["missing_from_seq"], e.payload["resume_seq"]) for e in gaps] == [(1, 4)]
    assert gb.state.partners["FR"].gaps == 1 and gb.state.partners["FR"].stream_seq == 3
    fr_l.close()
    gb_l.close()
