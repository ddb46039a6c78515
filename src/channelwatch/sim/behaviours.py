"""How each kind of vessel moves: follow a route, shuttle between ports, fish, patrol, answer a
rescue task, or cross the Strait as a small boat (launch, taxi pick-up, engine failure, drift,
distress calls). Each behaviour updates its vessel over one time step and reports what happened
to the world (``World.event``), which keeps the ground truth."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from channelwatch.sim import kinematics as k
from channelwatch.sim.vessels import MOORED, UNDER_WAY, Kind, Vessel

if TYPE_CHECKING:
    from channelwatch.sim.world import World

ARRIVE_M = 150.0


def _sail_towards(v: Vessel, lat: float, lon: float, speed_kn: float, dt: float) -> bool:
    """Move ``v`` towards (lat, lon); True when arrived this step."""
    dist = k.distance_m(v.lat, v.lon, lat, lon)
    v.cog_deg = k.bearing(v.lat, v.lon, lat, lon)
    v.sog_kn = speed_kn
    ve, vn = k.velocity(v.cog_deg, speed_kn)
    if math.hypot(ve, vn) * dt >= dist:
        v.lat, v.lon = lat, lon
        return True
    v.lat, v.lon = k.step(v.lat, v.lon, ve, vn, dt)
    return dist < ARRIVE_M


@dataclass(slots=True)
class FollowRoute:
    """Sail a polyline at a fixed speed, then leave the scene (merchant ships in the lanes)."""

    points: list[tuple[float, float]]
    speed_kn: float
    i: int = 0

    def step(self, v: Vessel, w: World, dt: float) -> None:
        lat, lon = self.points[self.i]
        if _sail_towards(v, lat, lon, self.speed_kn, dt):
            self.i += 1
            if self.i >= len(self.points):
                v.active = False
                w.event(v, "left_area")


@dataclass(slots=True)
class Shuttle:
    """A ferry: alongside for ``dwell_s``, then across to the other port, and back."""

    ports: tuple[tuple[float, float], tuple[float, float]]
    names: tuple[str, str]
    speed_kn: float
    dwell_s: float
    at: int = 0
    wait_s: float = 0.0

    def step(self, v: Vessel, w: World, dt: float) -> None:
        if self.wait_s > 0:
            self.wait_s -= dt
            v.sog_kn, v.nav_status = 0.0, MOORED
            return
        v.nav_status = UNDER_WAY
        lat, lon = self.ports[1 - self.at]
        if _sail_towards(v, lat, lon, self.speed_kn, dt):
            self.at = 1 - self.at
            self.wait_s = self.dwell_s
            w.event(v, "arrived", port=self.names[self.at])


@dataclass(slots=True)
class Patrol:
    """Sail a closed route round and round."""

    points: list[tuple[float, float]]
    speed_kn: float
    i: int = 0

    def step(self, v: Vessel, w: World, dt: float) -> None:
        lat, lon = self.points[self.i]
        if _sail_towards(v, lat, lon, self.speed_kn, dt):
            self.i = (self.i + 1) % len(self.points)


@dataclass(slots=True)
class Fish:
    """Trawl slowly inside an area, turning now and then, and away from the shore."""

    area: tuple[float, float, float, float]
    speed_kn: float
    turn_s: float = 0.0
    look_s: float = 0.0

    def step(self, v: Vessel, w: World, dt: float) -> None:
        lon0, lat0, lon1, lat1 = self.area
        self.turn_s -= dt
        self.look_s -= dt
        outside = not (lon0 <= v.lon <= lon1 and lat0 <= v.lat <= lat1)
        if outside:
            v.cog_deg = k.bearing(v.lat, v.lon, 0.5 * (lat0 + lat1), 0.5 * (lon0 + lon1))
        elif self.turn_s <= 0:
            v.cog_deg = (v.cog_deg + w.rng.normal(0.0, 60.0)) % 360.0
            self.turn_s = w.rng.uniform(600.0, 2400.0)
        if self.look_s <= 0:  # a skipper keeps off the shore: look 500 m ahead every minute
            self.look_s = 60.0
            ahead = k.offset(v.lat, v.lon, v.cog_deg, 500.0)
            if bool(w.region.on_land(ahead[0], ahead[1])[0]):
                v.cog_deg = (v.cog_deg + 180.0 + w.rng.normal(0.0, 30.0)) % 360.0
        v.sog_kn = self.speed_kn
        v.lat, v.lon = k.step(v.lat, v.lon, *k.velocity(v.cog_deg, v.sog_kn), dt)


@dataclass(slots=True)
class Rescue:
    """A rescue or Border Force asset: alongside at its base until tasked; then to the boat at
    full speed, takes everyone aboard, back to base, lands them."""

    base: tuple[float, float]
    base_name: str
    speed_kn: float
    target: Vessel | None = None
    aboard: int = 0
    returning: bool = False

    @property
    def idle(self) -> bool:
        return self.target is None and not self.returning

    def task(self, v: Vessel, w: World, boat: Vessel, why: str) -> None:
        self.target = boat
        v.nav_status = UNDER_WAY
        w.event(v, "tasked", target=boat.vid, reason=why)
        boat.facts["tasked_asset"] = v.vid

    def step(self, v: Vessel, w: World, dt: float) -> None:
        if self.target is not None:
            b = self.target
            if not b.active:  # the boat is gone (landed, stranded, rescued by another)
                self.target, self.returning = None, True
                return
            if _sail_towards(v, b.lat, b.lon, self.speed_kn, dt):
                self.aboard += b.persons
                w.event(b, "rescued", by=v.vid, persons=b.persons, centre=w.sar_of(b))
                b.persons, b.state, b.active = 0, "rescued", False
                self.target, self.returning = None, True
            return
        if self.returning and _sail_towards(v, self.base[0], self.base[1], self.speed_kn, dt):
            if self.aboard:
                w.event(v, "landed", persons=self.aboard, port=self.base_name)
            self.aboard, self.returning = 0, False
            v.sog_kn, v.nav_status = 0.0, MOORED


@dataclass(slots=True)
class SmallBoat:
    """An overloaded inflatable crossing to England, or a taxi boat that launches empty, runs
    along the coast and takes people aboard off a beach before crossing."""

    dest: tuple[float, float]
    speed_kn: float
    persons_planned: int
    pickup: tuple[float, float] | None = None  # taxi boats: where people wade out
    pickup_beach: str | None = None
    pickup_left_s: float = 0.0
    phase: str = "crossing"  # "to_pickup", "pickup", "crossing", "drifting"
    engine_ok: bool = True
    taking_water: bool = False
    distress: bool = False
    next_call_s: float = math.inf
    heading_noise: float = 0.0
    engine_fails_at_s: float = math.inf  # a scripted failure (demo incidents)
    distress_on_failure: bool | None = None  # None: as often as the scenario facts say
    call_interval_min: tuple[float, float] | None = None  # None: the scenario facts' interval
    waypoints: list[tuple[float, float]] = field(default_factory=list)  # out to sea first

    def step(self, v: Vessel, w: World, dt: float) -> None:
        if self.engine_ok and w.t >= self.engine_fails_at_s:
            self.fail_engine(v, w)
        self._hazards(v, w, dt)
        if self.distress and w.t >= self.next_call_s:
            w.distress_call(v, self)
            lo, hi = self.call_interval_min or w.facts["calls"]["interval_min"]
            self.next_call_s = w.t + 60.0 * float(w.rng.uniform(lo, hi))
        if self.phase == "pickup":
            self._pickup(v, w, dt)
            return
        if not self.engine_ok:
            ve, vn = w.env.drift_ms(w.t)
            v.lat, v.lon = k.step(v.lat, v.lon, ve, vn, dt)
            v.cog_deg, v.sog_kn = k.course_speed(ve, vn)
            return
        if self.waypoints:
            if _sail_towards(v, *self.waypoints[0], self.speed_kn + 1.0, dt):
                self.waypoints.pop(0)
            return
        if self.phase == "to_pickup" and self.pickup is not None:
            if _sail_towards(v, self.pickup[0], self.pickup[1], self.speed_kn + 1.0, dt):
                self.phase = "pickup"
                self.pickup_left_s = float(w.rng.uniform(900.0, 1800.0))
                v.state = "pick_up"
                w.event(v, "pickup_started", beach=self.pickup_beach)
            return
        # crossing under power: towards the destination, wandering a little, set by the tide
        self.heading_noise = 0.98 * self.heading_noise + float(w.rng.normal(0.0, 1.5))
        course = (k.bearing(v.lat, v.lon, *self.dest) + self.heading_noise) % 360.0
        ve, vn = k.velocity(course, self.speed_kn)
        ce, cn = w.env.current_ms(w.t)
        ve, vn = ve + ce, vn + cn
        v.lat, v.lon = k.step(v.lat, v.lon, ve, vn, dt)
        v.cog_deg, v.sog_kn = k.course_speed(ve, vn)

    def _pickup(self, v: Vessel, w: World, dt: float) -> None:
        v.sog_kn = 0.3
        # people wade out and climb in until the planned load is aboard
        if v.persons < self.persons_planned and w.rng.random() < dt / 20.0:
            v.persons = min(self.persons_planned, v.persons + int(w.rng.integers(1, 4)))
        self.pickup_left_s -= dt
        if self.pickup_left_s <= 0:
            v.persons = self.persons_planned
            self.phase = "crossing"
            v.state = "under_way"
            w.event(v, "pickup_ended", persons=v.persons)

    def _hazards(self, v: Vessel, w: World, dt: float) -> None:
        sb = w.facts["small_boats"]
        if v.persons == 0:
            return
        if self.engine_ok and w.rng.random() < float(sb["engine_failure_per_hour"]) * dt / 3600:
            self.fail_engine(v, w)
        if (
            not self.taking_water
            and w.rng.random() < float(sb["taking_water_per_hour"]) * dt / 3600
        ):
            self.taking_water = True
            w.event(v, "taking_water")
            self.start_distress(v, w)

    def fail_engine(self, v: Vessel, w: World) -> None:
        self.engine_ok = False
        self.phase = "drifting"
        v.state = "drifting"
        w.event(v, "engine_failed")
        p = float(w.facts["small_boats"]["distress_given_failure"])
        if self.distress_on_failure if self.distress_on_failure is not None else w.rng.random() < p:
            self.start_distress(v, w)

    def start_distress(self, v: Vessel, w: World, first_call_s: float | None = None) -> None:
        if self.distress:
            return
        self.distress = True
        v.state = "in_distress"
        delay = float(w.rng.uniform(120.0, 1200.0)) if first_call_s is None else first_call_s
        self.next_call_s = w.t + delay
        w.event(v, "distress_started", persons=v.persons)
        w.dispatch_later(v, w.t + delay + float(w.rng.uniform(600.0, 1200.0)))


SMALL_KINDS = (Kind.SMALL_BOAT, Kind.TAXI_BOAT)
