"""Decoded messages to observations: reserved "not available" codes become None."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ingest_refs import read_bytes

from channelwatch.ingest.aisobs import count_undated, observations, position, static
from channelwatch.ingest.decoder import NmeaDecoder
from channelwatch.ingest.observation import AisPosition, AisStatic

T = datetime(2024, 1, 1, tzinfo=UTC)


def test_not_available_codes_become_none() -> None:
    fields = {"mmsi": 1, "lat": 51.0, "lon": 1.5, "speed": 102.3, "course": 360.0,
              "heading": 511, "status": 15}  # fmt: skip
    pos = position(1, fields, T, None)
    assert pos is not None
    assert (pos.sog_kn, pos.cog_deg, pos.heading_deg, pos.nav_status) == (None, None, None, None)
    assert position(1, {**fields, "lat": 91.0}, T, None) is None
    assert position(1, {**fields, "lon": 181.0}, T, None) is None
    fast = position(27, {**fields, "speed": 63.0, "course": 511.0, "status": 5}, T, None)
    assert fast is not None and (fast.sog_kn, fast.cog_deg, fast.nav_status) == (None, None, 5)
    plane = position(9, {**fields, "speed": 140.0, "course": 90.0}, T, "rx")
    assert plane is not None and (plane.sog_kn, plane.cog_deg, plane.source) == (140.0, 90.0, "rx")


def test_static_fields() -> None:
    st = static(5, {"mmsi": 2, "shipname": "THALES", "callsign": "", "imo": 0, "ship_type": 0,
                    "to_bow": 0, "to_stern": 0, "to_port": 0, "to_starboard": 0,
                    "destination": "ROUEN"}, T, None)  # fmt: skip
    assert st is not None
    assert (st.name, st.callsign, st.imo, st.ship_type, st.length_m, st.destination) == (
        "THALES",
        None,
        None,
        None,
        None,
        "ROUEN",
    )
    st = static(24, {"mmsi": 3, "partno": 1, "ship_type": 37, "to_bow": 5, "to_stern": 4,
                     "to_port": 0, "to_starboard": 2}, T, None)  # fmt: skip
    assert st is not None and (st.ship_type, st.length_m, st.to_port_m) == (37, 9, 0)


def test_vernon_day_gives_positions_and_statics(shared_data: Path) -> None:
    d = NmeaDecoder(source="vernon")
    batch = d.feed(read_bytes(shared_data / "ais" / "ais_vernon_20160401.log"))
    obs = list(observations(batch))
    positions = [o for o in obs if isinstance(o, AisPosition)]
    statics = [o for o in obs if isinstance(o, AisStatic)]
    assert count_undated(batch) == 0
    # Every report is on the Seine at Vernon (49.04-49.17 N, 1.39-1.54 E) but for base
    # stations further away and the odd invalid fix.
    vessels = [p for p in positions if p.msg_type in (1, 2, 3)]
    near = [p for p in vessels if 49.0 < p.lat < 49.2 and 1.3 < p.lon < 1.6]
    assert len(near) > 0.99 * len(vessels)
    assert {s.msg_type for s in statics} == {5}
    assert any(s.name for s in statics)
    assert all(o.time.tzinfo is UTC and o.source == "vernon" for o in obs)
    assert len(batch) == d.stats.decoded == 55242


def test_undated_messages_need_a_default_time(shared_data: Path) -> None:
    dec = NmeaDecoder()
    batch = dec.feed(read_bytes(shared_data / "ais" / "gpsd_ais-nmea.log"))
    assert count_undated(batch) == len(batch) > 0
    assert list(observations(batch)) == []
    got = list(observations(batch, default_time=T))
    assert got and all(o.time == T for o in got)


def test_bulk_observations_equal_the_per_message_reference(shared_data: Path) -> None:
    from ingest_refs import AIS_FILES

    from channelwatch.ingest.aisobs import observations_reference

    for name in AIS_FILES:
        data = read_bytes(shared_data / "ais" / name)
        batch = NmeaDecoder(source=name).feed(data)
        # With a default time: undated messages are converted too.
        assert list(observations(batch, T)) == list(observations_reference(batch, T)), name
