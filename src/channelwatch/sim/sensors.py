"""What the centres receive: AIS sentences from the vessels that carry AIS, radar plots (with
misses, position error and clutter), aerial sightings, and distress calls with phone positions.
Pure functions of the world's state and a random generator; the world decides when to call."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import numpy as np

from channelwatch.geo import METRES_PER_NM
from channelwatch.ingest.encode import encode_message
from channelwatch.sim import kinematics as k
from channelwatch.sim.vessels import Kind, Vessel

_M_PER_DEG = 111_195.0


def ais_position_fields(
    v: Vessel, when: datetime, rng: np.random.Generator, lat: float, lon: float
) -> dict[str, Any]:
    """A position report of ``v`` at (lat, lon): type 1 (class A) or 18 (class B), with GPS
    noise of a few metres."""
    lat = lat + rng.normal(0.0, 4.0) / _M_PER_DEG
    lon = lon + rng.normal(0.0, 4.0) / (_M_PER_DEG * math.cos(math.radians(lat)))
    common = {
        "mmsi": v.mmsi,
        "lat": round(lat, 6),
        "lon": round(lon, 6),
        "speed": round(min(v.sog_kn, 102.2), 1),
        "course": round(v.cog_deg % 360.0, 1),
        "heading": round(v.cog_deg) % 360 if v.sog_kn > 0.5 else 511,
        "second": when.second,
        "accuracy": 1,
    }
    if v.ais_class == "B":
        return {"msg_type": 18, **common, "cs": 1}
    return {"msg_type": 1, **common, "status": v.nav_status, "turn": 0}


def ais_static_fields(v: Vessel) -> list[dict[str, Any]]:
    """Static and voyage data: type 5 (class A) or the two parts of type 24 (class B)."""
    bow = int(v.length_m * 0.6)
    dims = {
        "to_bow": bow,
        "to_stern": int(v.length_m) - bow,
        "to_port": int(v.beam_m / 2),
        "to_starboard": int(v.beam_m) - int(v.beam_m / 2),
    }
    name = (v.name or "")[:20]
    callsign = f"S{(v.mmsi or 0) % 100000:05d}"
    if v.ais_class == "B":
        return [
            {"msg_type": 24, "mmsi": v.mmsi, "partno": 0, "shipname": name},
            {
                "msg_type": 24,
                "mmsi": v.mmsi,
                "partno": 1,
                "ship_type": v.ship_type or 0,
                "callsign": callsign,
                **dims,
            },
        ]
    return [
        {
            "msg_type": 5,
            "mmsi": v.mmsi,
            "imo": 9000000 + (v.mmsi or 0) % 999999,
            "callsign": callsign,
            "shipname": name,
            "ship_type": v.ship_type or 0,
            **dims,
            "draught": round(min(v.length_m / 25.0, 25.0), 1),
            "destination": v.facts.get("dest", "")[:20],
            "epfd": 1,
        }
    ]


def ais_lines(fields: dict[str, Any], when: datetime, station: str, seq: int) -> list[str]:
    return encode_message(fields, time=when, source=station, seq_id=seq % 10)


def radar_plots(
    vessels: list[Vessel],
    radar: dict[str, Any],
    when_iso: str,
    rng: np.random.Generator,
    on_land: Any,
    serial: int,
) -> tuple[list[dict[str, Any]], int]:
    """One scan of one radar: plots of the vessels in range (missed now and then), and clutter.

    ``on_land(lat, lon)`` (vectorised) keeps clutter at sea. Returns the plots and the next
    report serial."""
    rng_m = float(radar["range_nm"]) * METRES_PER_NM
    rlat, rlon = float(radar["lat"]), float(radar["lon"])
    out = []
    for v in vessels:
        d = k.distance_m(rlat, rlon, v.lat, v.lon)
        if d > rng_m or d < 300.0:
            continue
        small = v.kind in (Kind.SMALL_BOAT, Kind.TAXI_BOAT)
        pd = 0.75 if small else 0.97
        if rng.random() > pd:
            continue
        sigma = 25.0 + 0.003 * d
        e = rng.normal(0.0, sigma, 2)
        lat, lon = k.step(v.lat, v.lon, float(e[0]), float(e[1]), 1.0)
        serial += 1
        out.append(_contact(when_iso, lat, lon, radar["id"], sigma, f"{radar['id']}-{serial}"))
    n_clutter = int(rng.poisson(1.5))
    if n_clutter:
        brg = rng.uniform(0.0, 360.0, n_clutter)
        dist = rng.uniform(1.0, 15.0, n_clutter) * METRES_PER_NM
        pts = [k.offset(rlat, rlon, float(b), float(r)) for b, r in zip(brg, dist, strict=True)]
        land = on_land(np.array([p[0] for p in pts]), np.array([p[1] for p in pts]))
        for (lat, lon), is_land in zip(pts, land, strict=True):
            if not is_land:
                serial += 1
                out.append(
                    _contact(when_iso, lat, lon, radar["id"], 60.0, f"{radar['id']}-{serial}")
                )
    return out, serial


def _contact(
    when_iso: str, lat: float, lon: float, sensor_id: str, sigma: float, ref: str
) -> dict[str, Any]:
    return {
        "kind": "contact",
        "time": when_iso,
        "lat": round(lat, 6),
        "lon": round(lon, 6),
        "sensor": "radar",
        "sensor_id": sensor_id,
        "sigma_m": round(sigma, 1),
        "report_id": ref,
    }


def sighting(
    v: Vessel, when_iso: str, rng: np.random.Generator, sensor: str, sensor_id: str, ref: str
) -> dict[str, Any]:
    """An aerial or drone sighting of a small boat: position, people estimated, what it looks
    like."""
    sigma = 150.0 if sensor == "aerial" else 40.0
    e = rng.normal(0.0, sigma, 2)
    lat, lon = k.step(v.lat, v.lon, float(e[0]), float(e[1]), 1.0)
    est = max(0, round(v.persons * float(rng.uniform(0.8, 1.2))))
    if v.persons == 0:
        what = "small inflatable, only the crew aboard"
    elif v.state == "pick_up":
        what = f"inflatable close inshore, people wading out to it, about {est} aboard"
    else:
        what = f"grey inflatable about 10 m long, about {est} people aboard"
        if v.state in ("drifting", "in_distress"):
            what += ", not under way"
    return {
        "kind": "contact",
        "time": when_iso,
        "lat": round(lat, 6),
        "lon": round(lon, 6),
        "sensor": sensor,
        "sensor_id": sensor_id,
        "sigma_m": sigma,
        "persons_estimate": est,
        "description": what,
        "report_id": ref,
    }


def call_record(
    v: Vessel,
    when_iso: str,
    rng: np.random.Generator,
    accuracy_choices: list[list[float]],
    call_id: str,
    engine_ok: bool,
    taking_water: bool,
) -> dict[str, Any]:
    """A distress call: the phone's position (error drawn from the accuracy class), the people
    the caller reports (callers disagree), children, water, engine."""
    radii = [float(a[0]) for a in accuracy_choices]
    shares = np.array([float(a[1]) for a in accuracy_choices])
    acc = radii[int(rng.choice(len(radii), p=shares / shares.sum()))]
    err = rng.normal(0.0, acc / 2.0, 2)
    lat, lon = k.step(v.lat, v.lon, float(err[0]), float(err[1]), 1.0)
    reported = max(1, round(v.persons * float(rng.uniform(0.8, 1.25))))
    return {
        "kind": "call",
        "time": when_iso,
        "lat": round(lat, 6),
        "lon": round(lon, 6),
        "accuracy_m": acc,
        "persons_reported": reported,
        "children_aboard": bool(v.facts.get("children", False)),
        "water_coming_in": taking_water,
        "engine": "running" if engine_ok else "failed",
        "call_id": call_id,
    }
