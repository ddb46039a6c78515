"""The simulation: a world of vessels stepped through time, with the sensors that watch it and
the ground truth of what happened.

The world runs from ``start - warmup`` so that the lanes, the ferries and the boats already at
sea are in place at ``start``; nothing before ``start`` is written. Every random draw comes
from one ``np.random.Generator`` seeded from the scenario: the same seed gives the same files.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from channelwatch.region import Region, load_region
from channelwatch.sim import kinematics as k
from channelwatch.sim import sensors
from channelwatch.sim.behaviours import (
    SMALL_KINDS,
    Fish,
    FollowRoute,
    Patrol,
    Rescue,
    Shuttle,
    SmallBoat,
)
from channelwatch.sim.config import ScenarioConfig, scenario_facts
from channelwatch.sim.environment import Environment
from channelwatch.sim.launches import launch_times, month_rates
from channelwatch.sim.routes import Lane, traffic_lanes
from channelwatch.sim.vessels import MOORED, UNDER_WAY, Kind, Vessel, ais_interval_s

_NAMES_A = (
    "NORTHERN",
    "ATLANTIC",
    "BALTIC",
    "SILVER",
    "OCEAN",
    "EASTERN",
    "GOLDEN",
    "POLAR",
    "CELTIC",
    "IBERIAN",
    "NORDIC",
    "CORAL",
    "HANSA",
    "MERIDIAN",
    "ARCTIC",
    "AURORA",
)
_NAMES_B = (
    "STAR",
    "TRADER",
    "SPIRIT",
    "PIONEER",
    "EXPRESS",
    "VOYAGER",
    "GRACE",
    "HARMONY",
    "FALCON",
    "WAVE",
    "BRIDGE",
    "HORIZON",
    "CARRIER",
    "LINK",
    "DAWN",
    "FORTUNE",
)
_MIDS = (235, 232, 227, 228, 244, 245, 211, 636, 538, 477, 255, 219, 257, 209)


@dataclass(slots=True)
class Output:
    ais: list[str] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    truth: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


class World:
    def __init__(self, cfg: ScenarioConfig, region: Region | None = None) -> None:
        self.cfg = cfg
        self.region = region or load_region(cfg.region)
        self.facts = scenario_facts(cfg.region)
        self.rng = np.random.default_rng(cfg.seed)
        self.env = Environment.from_facts(self.facts, float(self.rng.uniform(0, 2 * math.pi)))
        self.t = -cfg.warmup_h * 3600.0
        self.end_s = cfg.hours * 3600.0
        self.vessels: list[Vessel] = []
        self.out = Output()
        self._n: Counter[str] = Counter()
        self._mmsi: set[int] = set()
        self._dispatch: list[tuple[float, Vessel]] = []
        self._seaward: dict[str, tuple[float, float]] = {}
        self._last_sar: dict[str, str | None] = {}
        self._last_seen: dict[tuple[str, str], float] = {}
        self._ais_gap: tuple[float, float] | None = None
        self._gap_vessel: Vessel | None = None
        self.ports = {n: (float(p[0]), float(p[1])) for n, p in self.facts["ports"].items()}
        self.lanes: list[Lane] = traffic_lanes(self.region)
        lane_cfg = self.facts["lanes"]
        self._next_arrival = [self.t + self._gap_s(lane_cfg) for _ in self.lanes]
        sb = self.facts["small_boats"]
        self.launches = launch_times(
            cfg.start + timedelta(seconds=self.t),
            cfg.start + timedelta(seconds=self.end_s),
            self.rng,
            float(sb["launch_hour_utc"][0]),
            float(sb["launch_hour_utc"][1]),
        )
        self._launch_i = 0
        self._spawn_fixed()
        if cfg.hours > 1:
            a = float(self.rng.uniform(0.1, 0.6)) * self.end_s
            self._ais_gap = (a, a + float(self.rng.uniform(25, 40)) * 60)

    # -- identity and bookkeeping ------------------------------------------------------------
    def when(self, t: float | None = None) -> datetime:
        return self.cfg.start + timedelta(seconds=self.t if t is None else t)

    def iso(self, t: float | None = None) -> str:
        return self.when(t).isoformat().replace("+00:00", "Z")

    def new_id(self, prefix: str) -> str:
        self._n[prefix] += 1
        return f"{prefix}-{self._n[prefix]:03d}"

    def new_mmsi(self, mid: int | None = None) -> int:
        while True:
            m = (mid or int(self.rng.choice(_MIDS))) * 1_000_000 + int(
                self.rng.integers(0, 999_999)
            )
            if m not in self._mmsi:
                self._mmsi.add(m)
                return m

    def ship_name(self) -> str:
        return f"{self.rng.choice(_NAMES_A)} {self.rng.choice(_NAMES_B)}"

    def event(self, v: Vessel, kind: str, **details: Any) -> None:
        """Record a ground-truth event (only from ``start`` on)."""
        if self.t < 0:
            return
        self.out.events.append(
            {
                "time": self.iso(),
                "event": kind,
                "vessel": v.vid,
                "kind": str(v.kind),
                "lat": round(v.lat, 6),
                "lon": round(v.lon, 6),
                **details,
            }
        )

    def sar_of(self, v: Vessel) -> str | None:
        code = self.region.sar_region(v.lat, v.lon)[0]
        return None if code is None else str(code)

    def add(self, v: Vessel) -> Vessel:
        self.vessels.append(v)
        return v

    # -- fixed fleet ---------------------------------------------------------------------------
    def _spawn_fixed(self) -> None:
        f = self.facts
        for route in f["ferry_routes"]:
            a, b = self.ports[route["from"]], self.ports[route["to"]]
            crossing_s = k.distance_m(*a, *b) / (float(route["speed_kn"]) * 0.514444)
            dwell = float(route["dwell_min"]) * 60
            for _ in range(int(route["vessels"])):
                at = int(self.rng.integers(0, 2))
                port = (a, b)[at]
                v = self.add(
                    Vessel(
                        self.new_id("ferry"),
                        Kind.FERRY,
                        port[0],
                        port[1],
                        name=self.ship_name(),
                        mmsi=self.new_mmsi(int(self.rng.choice([235, 227, 209]))),
                        ais_class="A",
                        ship_type=60,
                        length_m=float(self.rng.uniform(150, 215)),
                        beam_m=28.0,
                        nav_status=MOORED,
                    )
                )
                v.facts["dest"] = route["to" if at == 0 else "from"].upper()
                v.behaviour = Shuttle(
                    (a, b),
                    (route["from"], route["to"]),
                    float(route["speed_kn"]),
                    dwell,
                    at=at,
                    wait_s=float(self.rng.uniform(0, dwell + crossing_s)),
                )
        fish = f["fishing"]
        for i in range(int(fish["count"])):
            area = tuple(float(x) for x in fish["areas"][i % len(fish["areas"])])
            lat, lon = self._random_sea_point(area)
            v = self.add(
                Vessel(
                    self.new_id("fishing"),
                    Kind.FISHING,
                    lat,
                    lon,
                    name=self.ship_name(),
                    mmsi=self.new_mmsi(int(self.rng.choice([227, 228, 235, 205]))),
                    ais_class=str(self.rng.choice(["A", "B"])),
                    ship_type=30,
                    length_m=float(self.rng.uniform(12, 35)),
                    beam_m=7.0,
                    nav_status=7,
                    cog_deg=float(self.rng.uniform(0, 360)),
                )
            )
            v.behaviour = Fish(
                (area[0], area[1], area[2], area[3]), float(self.rng.uniform(*fish["speed_kn"]))
            )
        for p in f["patrols"]:
            pts = [(float(a), float(b)) for a, b in p["route"]]
            mid = 227 if p["country"] == "FR" else 232
            v = self.add(
                Vessel(
                    self.new_id("patrol"),
                    Kind.PATROL,
                    pts[0][0],
                    pts[0][1],
                    name=p["name"],
                    mmsi=self.new_mmsi(mid),
                    ais_class="A",
                    ship_type=int(p["ship_type"]),
                    length_m=40.0,
                    beam_m=8.0,
                )
            )
            v.facts["country"] = p["country"]
            v.behaviour = Patrol(pts, float(p["speed_kn"]), i=int(self.rng.integers(0, len(pts))))
        for r in f["rescue_assets"]:
            base = self.ports[r["base"]]
            mid = 227 if r["country"] == "FR" else 232
            v = self.add(
                Vessel(
                    self.new_id("rescue"),
                    Kind.RESCUE,
                    base[0],
                    base[1],
                    name=r["name"],
                    mmsi=self.new_mmsi(mid),
                    ais_class="A",
                    ship_type=int(r["ship_type"]),
                    length_m=17.0 if r["ship_type"] == 51 else 42.0,
                    beam_m=5.5,
                    nav_status=MOORED,
                )
            )
            v.facts["country"] = r["country"]
            v.behaviour = Rescue(base, r["base"], float(r["speed_kn"]))

    def _random_sea_point(self, area: tuple[float, ...]) -> tuple[float, float]:
        for _ in range(200):
            lat = float(self.rng.uniform(area[1], area[3]))
            lon = float(self.rng.uniform(area[0], area[2]))
            if not bool(self.region.on_land(lat, lon)[0]):
                return lat, lon
        return 0.5 * (area[1] + area[3]), 0.5 * (area[0] + area[2])

    def _gap_s(self, lane_cfg: dict[str, Any]) -> float:
        return float(self.rng.exponential(3600.0 / float(lane_cfg["arrivals_per_hour"])))

    # -- arrivals ----------------------------------------------------------------------------
    def _lane_ship(self, lane: Lane) -> None:
        cfg = self.facts["lanes"]
        track = lane.track(float(self.rng.uniform(0.2, 0.8)))
        before, after = (float(x) * 1000 for x in cfg["extend_km"])
        b0 = k.bearing(*track[1], *track[0])
        b1 = k.bearing(*track[-2], *track[-1])
        pts = [k.offset(*track[0], b0, before), *track, k.offset(*track[-1], b1, after)]
        lon0, lat0, lon1, lat1 = self.region.bbox
        pts = [p for p in pts if lon0 < p[1] < lon1 and lat0 < p[0] < lat1]
        if len(pts) < 2:
            return
        length = float(self.rng.choice([120, 180, 230, 300, 366]))
        v = self.add(
            Vessel(
                self.new_id("ship"),
                Kind.CARGO,
                pts[0][0],
                pts[0][1],
                name=self.ship_name(),
                mmsi=self.new_mmsi(),
                ais_class="A",
                ship_type=int(self.rng.choice([70, 70, 71, 79, 80, 82, 89])),
                length_m=length,
                beam_m=length / 7.0,
            )
        )
        v.facts["dest"] = str(
            self.rng.choice(
                [
                    "ROTTERDAM",
                    "ANTWERP",
                    "HAMBURG",
                    "LE HAVRE",
                    "SOUTHAMPTON",
                    "ALGECIRAS",
                    "BREMERHAVEN",
                ]
            )
        )
        v.behaviour = FollowRoute(pts[1:], float(self.rng.uniform(*cfg["speed_kn"])))

    def seaward(self, beach_name: str, dist_m: float = 150.0) -> tuple[float, float]:
        """A point ``dist_m`` out to sea from a beach (the direction that gets farthest from
        the coast)."""
        key = f"{beach_name}:{dist_m}"
        if key not in self._seaward:
            b = next(x for x in self.region.beaches if x.name == beach_name)
            cands = [k.offset(b.lat, b.lon, brg, dist_m) for brg in range(0, 360, 15)]
            lat = np.array([c[0] for c in cands])
            lon = np.array([c[1] for c in cands])
            d = np.where(
                self.region.on_land(lat, lon), -1.0, self.region.distance_to_coast_m(lat, lon)
            )
            self._seaward[key] = cands[int(np.argmax(d))]
        return self._seaward[key]

    def launch(
        self,
        people: int,
        taxi: bool | None = None,
        beach: str | None = None,
        pickup: str | None = None,
        children: bool | None = None,
        scripted: bool = False,
    ) -> Vessel:
        sb = self.facts["small_boats"]
        emb = [b for b in self.region.beaches if b.role == "embarkation"]
        land = [b for b in self.region.beaches if b.role == "landing"]
        src = (
            next(b for b in emb if b.name == beach)
            if beach
            else emb[int(self.rng.integers(len(emb)))]
        )
        if taxi is None:
            taxi = bool(self.rng.random() < float(sb["taxi_share"]))
        pick = None
        if taxi:
            near = [
                b
                for b in emb
                if b.name != src.name
                and 2_000 < k.distance_m(src.lat, src.lon, b.lat, b.lon) < 25_000
            ]
            if pickup:
                pick = next(b for b in emb if b.name == pickup)
            elif near:
                pick = near[int(self.rng.integers(len(near)))]
            else:
                taxi = False
        lat, lon = self.seaward(src.name)
        dest = land[int(self.rng.integers(len(land)))]
        dlat, dlon = self.seaward(dest.name, 300.0)
        v = self.add(
            Vessel(
                self.new_id("taxi" if taxi else "boat"),
                Kind.TAXI_BOAT if taxi else Kind.SMALL_BOAT,
                lat,
                lon,
                length_m=10.0,
                beam_m=3.0,
                persons=2 if taxi else people,
            )
        )
        v.facts["children"] = bool(self.rng.random() < 0.6) if children is None else children
        speed = float(self.rng.uniform(*sb["speed_kn"]))
        if taxi and pick is not None:
            # out, along the coast a kilometre off, and in to the pick-up
            v.behaviour = SmallBoat(
                (dlat, dlon),
                speed,
                people,
                pickup=self.seaward(pick.name, 120.0),
                pickup_beach=pick.name,
                phase="to_pickup",
                waypoints=[self.seaward(src.name, 1000.0), self.seaward(pick.name, 1000.0)],
            )
        else:
            v.behaviour = SmallBoat(
                (dlat, dlon), speed, people, waypoints=[self.seaward(src.name, 1500.0)]
            )
        details: dict[str, Any] = {
            "beach": src.name,
            "persons": v.persons,
            "taxi": taxi,
            "destination": dest.name,
        }
        if scripted:
            details["scripted"] = True
        self.event(v, "launched", **details)
        return v

    # -- distress and rescue ---------------------------------------------------------------------
    def distress_call(self, v: Vessel, boat: SmallBoat) -> None:
        if self.t < 0:
            return
        call_id = self.new_id("CALL")
        rec = sensors.call_record(
            v,
            self.iso(),
            self.rng,
            self.facts["calls"]["accuracy_m"],
            call_id,
            boat.engine_ok,
            boat.taking_water,
        )
        self.out.contacts.append(rec)
        self.event(
            v,
            "call",
            call_id=call_id,
            reported=rec["persons_reported"],
            accuracy_m=rec["accuracy_m"],
        )

    def dispatch_later(self, v: Vessel, at_s: float) -> None:
        self._dispatch.append((at_s, v))

    def _assets(self, country: str | None) -> list[Vessel]:
        return [
            a
            for a in self.vessels
            if a.kind == Kind.RESCUE
            and a.facts.get("country") == country
            and isinstance(a.behaviour, Rescue)
            and a.behaviour.idle
        ]

    def _task_nearest(self, boat: Vessel, country: str | None, why: str) -> bool:
        idle = self._assets(country)
        if not idle:
            return False
        a = min(idle, key=lambda x: k.distance_m(x.lat, x.lon, boat.lat, boat.lon))
        assert isinstance(a.behaviour, Rescue)
        a.behaviour.task(a, self, boat, why)
        return True

    def _run_dispatch(self) -> None:
        keep = []
        for at, boat in self._dispatch:
            if at > self.t or not boat.active or boat.facts.get("tasked_asset"):
                if at > self.t and boat.active:
                    keep.append((at, boat))
                continue
            if not self._task_nearest(boat, self.sar_of(boat), "distress"):
                keep.append((self.t + 300.0, boat))  # nobody free: try again in 5 min
        self._dispatch = keep

    # -- periodic checks (vectorised over the small boats) --------------------------------------
    def _check_small_boats(self) -> None:
        boats = [v for v in self.vessels if v.active and v.kind in SMALL_KINDS]
        if not boats:
            return
        c = self.region.classify(np.array([b.lat for b in boats]), np.array([b.lon for b in boats]))
        gb_nm = float(self.facts["small_boats"]["intercept_nm_from_gb_coast"]) * 1852.0
        for i, b in enumerate(boats):
            if not c["inside"][i]:
                b.active = False
                self.event(b, "left_area")
                continue
            sar = c["sar_region"][i]
            before = self._last_sar.get(b.vid)
            if before is not None and sar != before:
                self.event(b, "crossed_sar_line", from_region=before, to_region=sar)
            self._last_sar[b.vid] = sar
            d, country = float(c["distance_to_coast_m"][i]), c["coast_country"][i]
            if c["on_land"][i] or (country == "GB" and d < 120.0):
                b.active = False
                under_power = isinstance(b.behaviour, SmallBoat) and b.behaviour.engine_ok
                what = (
                    "landed_on_beach"
                    if country == "GB"
                    else ("ran_aground" if under_power else "stranded")
                )
                self.event(b, what, persons=b.persons, coast=country)
                continue
            if (
                sar == "GB"
                and country == "GB"
                and d < gb_nm
                and b.persons > 2
                and not b.facts.get("tasked_asset")
            ):
                self._task_nearest(b, "GB", "intercept off the English coast")

    def _sense(self) -> None:
        now = self.iso()
        seen = [
            v for v in self.vessels if v.active and not (v.nav_status == MOORED and v.sog_kn < 0.5)
        ]
        for radar in self.facts["radars"]:
            self._n["radar-serial"]
            plots, serial = sensors.radar_plots(
                seen, radar, now, self.rng, self.region.on_land, self._n[f"serial-{radar['id']}"]
            )
            self._n[f"serial-{radar['id']}"] = serial
            self.out.contacts.extend(plots)
        small = [v for v in seen if v.kind in SMALL_KINDS]
        if not small:
            return
        air = self._aircraft_position()
        for v in small:
            if (
                air is not None
                and k.distance_m(air[0], air[1], v.lat, v.lon)
                < float(self.facts["aerial"]["sight_range_nm"]) * 1852.0
            ):
                self._sight(v, now, "aerial", "aircraft-1", 600.0)
            beach = min(self.region.beaches, key=lambda b: k.distance_m(b.lat, b.lon, v.lat, v.lon))
            if (
                beach.role == "embarkation"
                and k.distance_m(beach.lat, beach.lon, v.lat, v.lon) < 1500
            ):
                self._sight(v, now, "drone", "drone-coast", 300.0)

    def _sight(self, v: Vessel, now: str, sensor: str, sensor_id: str, every_s: float) -> None:
        key = (v.vid, sensor_id)
        if self.t - self._last_seen.get(key, -1e9) < every_s:
            return
        self._last_seen[key] = self.t
        self.out.contacts.append(
            sensors.sighting(v, now, self.rng, sensor, sensor_id, self.new_id(f"SIGHT-{sensor_id}"))
        )

    def _aircraft_position(self) -> tuple[float, float] | None:
        a = self.facts["aerial"]
        pts = [(float(p[0]), float(p[1])) for p in a["track"]]
        legs = [k.distance_m(*pts[i], *pts[i + 1]) for i in range(len(pts) - 1)]
        speed_ms = 140 * 0.514444
        into = self.t % (float(a["period_min"]) * 60.0) * speed_ms
        for (p, q), leg in zip(itertools.pairwise(pts), legs, strict=True):
            if into <= leg:
                f = into / leg
                return p[0] + f * (q[0] - p[0]), p[1] + f * (q[1] - p[1])
            into -= leg
        return None  # between passes

    def _truth(self) -> None:
        now = self.iso()
        for v in self.vessels:
            if v.active:
                self.out.truth.append(
                    (
                        now,
                        v.vid,
                        str(v.kind),
                        v.mmsi or "",
                        round(v.lat, 6),
                        round(v.lon, 6),
                        round(v.sog_kn, 2),
                        round(v.cog_deg, 1),
                        v.persons,
                        v.state,
                    )
                )

    def _ais(self, v: Vessel) -> None:
        if v.ais_class is None or v.mmsi is None or not v.ais_on or self.t < v.ais_next_s:
            return
        # report at the scheduled instant (between two steps), not at the step: the position
        # taken back along the vessel's velocity, so reporting intervals are exact
        due = max(v.ais_next_s, self.t - self.cfg.step_s)
        lag = self.t - due
        when = self.when(due)
        lat, lon = k.step(v.lat, v.lon, *k.velocity(v.cog_deg, -v.sog_kn), lag)
        station = self.facts["ais_stations"][0 if v.lat < 51.0 else 1]
        if due >= 0 and self.rng.random() > 0.03:  # a few reports are not received
            self._n["ais-seq"] += 1
            fields = sensors.ais_position_fields(v, when, self.rng, lat, lon)
            self.out.ais.extend(sensors.ais_lines(fields, when, station, self._n["ais-seq"]))
        v.ais_next_s = due + ais_interval_s(v) * float(self.rng.uniform(0.95, 1.05))
        if self.t >= v.static_next_s:
            if self.t >= 0:
                for fields in sensors.ais_static_fields(v):
                    self._n["ais-seq"] += 1
                    self.out.ais.extend(
                        sensors.ais_lines(fields, when, station, self._n["ais-seq"])
                    )
            v.static_next_s = self.t + 360.0

    def _ais_gap_check(self) -> None:
        if self._ais_gap is None:
            return
        off, on = self._ais_gap
        if self._gap_vessel is None and self.t >= off:
            ships = [v for v in self.vessels if v.active and v.kind == Kind.CARGO]
            if ships:
                self._gap_vessel = ships[int(self.rng.integers(len(ships)))]
                self._gap_vessel.ais_on = False
                self.event(self._gap_vessel, "ais_off")
        elif self._gap_vessel is not None and self.t >= on and not self._gap_vessel.ais_on:
            self._gap_vessel.ais_on = True
            self.event(self._gap_vessel, "ais_on")
            self._ais_gap = None

    # -- demo incidents ------------------------------------------------------------------------
    def _demo(self) -> None:
        """Scripted incidents so that the first minutes show every part of the product, on the
        pattern of 24 November 2021 (several boats calling near each other, one crossing the
        line): a boat taking water 2 km on the French side of the SAR line that calls every few
        minutes and crosses into the UK region after about 17 min, then loses its engine; a
        second boat 3 km away whose engine has failed and which calls too; a taxi boat's
        pick-up off Équihen-Plage; a boat whose engine fails off Wimereux."""
        iii = (50.9491355, 1.3555928)  # 1988 Agreement points III and IV (WGS84)
        iv = (51.0377513, 1.5467055)
        mid = (0.5 * (iii[0] + iv[0]), 0.5 * (iii[1] + iv[1]))
        line_brg = k.bearing(*iii, *iv)
        dover = self.seaward("Dover (harbour / Shakespeare Beach)", 300.0)
        lat, lon = k.offset(*mid, (line_brg + 90.0) % 360.0, 2000.0)  # 2 km on the French side
        v = self._scripted_boat(lat, lon, 56, True, "Dover", "already at sea at the start")
        sb = SmallBoat(dover, 4.0, 56, engine_fails_at_s=1500.0, call_interval_min=(4.0, 8.0))
        v.behaviour = sb
        sb.taking_water = True
        self.event(v, "taking_water", scripted=True)
        sb.start_distress(v, self, first_call_s=60.0)
        lat2, lon2 = k.offset(lat, lon, line_brg, 3000.0)  # 3 km along the line, French side
        v2 = self._scripted_boat(lat2, lon2, 41, False, "Dover", "already at sea, engine failed")
        sb2 = SmallBoat(dover, 4.5, 41, distress_on_failure=True, call_interval_min=(6.0, 12.0))
        v2.behaviour = sb2
        sb2.fail_engine(v2, self)
        self.launch(
            45, taxi=True, beach="Le Portel beach", pickup="Équihen-Plage beach", scripted=True
        )
        wl, wo = k.offset(*self.seaward("Wimereux beach"), 280.0, 5000.0)
        w = self._scripted_boat(wl, wo, 48, False, "Dungeness beach", "already at sea")
        w.behaviour = SmallBoat(
            self.seaward("Dungeness beach", 300.0),
            5.0,
            48,
            engine_fails_at_s=300.0,
            distress_on_failure=True,
        )

    def _scripted_boat(
        self, lat: float, lon: float, persons: int, children: bool, dest: str, note: str
    ) -> Vessel:
        v = self.add(
            Vessel(self.new_id("boat"), Kind.SMALL_BOAT, lat, lon, persons=persons, length_m=10.0)
        )
        v.facts["children"] = children
        self.event(
            v,
            "launched",
            beach=None,
            persons=persons,
            taxi=False,
            destination=dest,
            scripted=True,
            note=note,
        )
        return v

    # -- the loop ---------------------------------------------------------------------------------
    def run(self) -> Output:
        dt = self.cfg.step_s
        radar_every = max(1, round(self.cfg.radar_period_s / dt))
        truth_every = max(1, round(self.cfg.truth_period_s / dt))
        check_every = max(1, round(20.0 / dt))
        lane_cfg = self.facts["lanes"]
        demo_done = not self.cfg.demo
        step_no = 0
        while self.t < self.end_s:
            if not demo_done and self.t >= 0:
                self._demo()
                demo_done = True
            for i, lane in enumerate(self.lanes):
                while self._next_arrival[i] <= self.t:
                    self._lane_ship(lane)
                    self._next_arrival[i] += self._gap_s(lane_cfg)
            while (
                self._launch_i < len(self.launches)
                and self.cfg.start + timedelta(seconds=self.t) >= self.launches[self._launch_i][0]
            ):
                self.launch(self.launches[self._launch_i][1])
                self._launch_i += 1
            for v in self.vessels:
                if v.active:
                    v.behaviour.step(v, self, dt)
                    if v.active:
                        self._ais(v)
            if step_no % check_every == 0:
                self._check_small_boats()
                self._run_dispatch()
                self._ais_gap_check()
            if self.t >= 0:
                if step_no % radar_every == 0:
                    self._sense()
                if step_no % truth_every == 0:
                    self._truth()
            if step_no % 500 == 0:
                self.vessels = [v for v in self.vessels if v.active or v.kind == Kind.RESCUE]
            self.t += dt
            step_no += 1
        return self.out

    def summary(self) -> dict[str, Any]:
        rates = month_rates()[self.cfg.start.month - 1]
        kinds = Counter(e["kind"] for e in self.out.events if e["event"] == "launched")
        return {
            "start": self.iso(0.0),
            "hours": self.cfg.hours,
            "seed": self.cfg.seed,
            "demo": self.cfg.demo,
            "warmup_h": self.cfg.warmup_h,
            "environment": {
                "wind_from_deg": self.env.wind_from_deg,
                "wind_kn": self.env.wind_kn,
                "tide_amplitude_kn": self.env.tide_amplitude_kn,
                "tide_phase_rad": round(self.env.tide_phase_rad, 4),
            },
            "launch_rate_source": {
                "series": "Home Office SB_01 daily small-boat arrivals (OGL v3), shipped copy",
                "years": list(rates.years),
                "month": rates.month,
                "p_crossing_day": round(rates.p_crossing_day, 3),
                "boats_per_crossing_day": round(rates.boats_per_crossing_day, 2),
                "people_per_boat": round(rates.people_per_boat, 1),
            },
            "counts": {
                "ais_lines": len(self.out.ais),
                "contacts": sum(1 for c in self.out.contacts if c["kind"] == "contact"),
                "calls": sum(1 for c in self.out.contacts if c["kind"] == "call"),
                "truth_rows": len(self.out.truth),
                "events": len(self.out.events),
                "launches_in_window": dict(kinds),
            },
            "note": "Vessel names and MMSIs are fictional. People aboard are counted, never named.",
        }


def simulate(cfg: ScenarioConfig, region: Region | None = None) -> tuple[Output, dict[str, Any]]:
    w = World(cfg, region)
    out = w.run()
    return out, w.summary()


__all__ = ["UNDER_WAY", "Output", "World", "simulate"]
