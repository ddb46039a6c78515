"""AIS targets keyed by MMSI: filtering, impossible-jump rejection and reporting-gap detection.

Each AIS vessel has its own small NCV Kalman filter in the local plane, updated with the reported
position and, when given, the velocity from SOG/COG. A report that would need a speed above
``max_speed_kn`` (plus a tolerance for GNSS noise) from the last accepted fix is rejected; if the
next report agrees with the rejected one rather than with the track, the earlier fix was the bad
one and the target restarts there. A gap is a silence longer than ``gap_factor`` times the
nominal reporting interval of the vessel's class and speed (ITU-R M.1371-5, Table 1), and never
shorter than ``min_gap_s``.

This module returns notices ``(type, t_s, payload)``; the façade turns them into events.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from channelwatch.geo import MS_PER_KN, LocalProjection, haversine_m
from channelwatch.ingest.observation import AisPosition, AisStatic
from channelwatch.track.errors import TrackInputError
from channelwatch.track.kalman import predict, update_linear, update_position
from channelwatch.track.kinds import TrackKind, ais_kind, is_sar_aircraft_mmsi

Notice = tuple[str, float, dict[str, Any]]

VESSEL_MSG_TYPES = frozenset({1, 2, 3, 9, 18, 19, 27})  # base stations (4) and aids (21) excluded
CLASS_A = frozenset({1, 2, 3})
CLASS_B = frozenset({18, 19})
AIRCRAFT_MAX_SPEED_KN = 600.0
_H_FULL = np.eye(4)  # AIS gives position and (from SOG/COG) velocity


def nominal_interval_s(msg_type: int, sog_kn: float | None, nav_status: int | None) -> float:
    """The reporting interval AIS prescribes for this class, speed and navigational status.

    Values of ITU-R M.1371-5 Table 1 for a vessel holding its course (the longer, not the
    turning, interval, so that gaps are not announced early).
    """
    if msg_type in CLASS_A:
        anchored = nav_status in (1, 5)  # at anchor, moored
        if sog_kn is None or sog_kn <= 14.0:
            return 180.0 if anchored and (sog_kn is None or sog_kn <= 3.0) else 10.0
        return 6.0 if sog_kn <= 23.0 else 2.0
    if msg_type in CLASS_B:
        return 180.0 if sog_kn is None or sog_kn <= 2.0 else 30.0
    if msg_type == 9:
        return 10.0
    return 180.0  # type 27, long-range broadcast


@dataclass(frozen=True, slots=True)
class AisConfig:
    sigma_m: float = 15.0  # AIS position noise (GNSS), 1 sigma per axis
    velocity_sigma_ms: float = 0.3  # SOG/COG-derived velocity noise, per axis
    process_noise_m2s3: float = 0.05
    max_speed_kn: float = 50.0  # above this a surface vessel's jump is impossible
    jump_tolerance_m: float = 300.0  # slack for GNSS noise and receivers' timing
    gap_factor: float = 6.0
    min_gap_s: float = 60.0
    lost_after_s: float = 1800.0  # an AIS target silent this long is dropped (track lost)
    late_tolerance_s: float = 5.0  # reports this much older than the last are merged, not dropped
    # reports farther than this from the projection's origin are outside the picture: real feeds
    # carry bit-flipped positions (and MMSIs) thousands of km away
    max_range_m: float = 250_000.0
    trail_len: int = 32

    def __post_init__(self) -> None:
        for name in (
            "sigma_m",
            "velocity_sigma_ms",
            "process_noise_m2s3",
            "max_speed_kn",
            "gap_factor",
            "min_gap_s",
            "lost_after_s",
            "trail_len",
            "max_range_m",
        ):
            value = getattr(self, name)
            if not (value > 0) or not math.isfinite(value):
                raise TrackInputError(f"AIS {name} must be finite and > 0, got {value!r}")
        if self.jump_tolerance_m < 0 or self.late_tolerance_s < 0:
            raise TrackInputError("AIS jump_tolerance_m and late_tolerance_s must be >= 0")


class AisTarget:
    """Mutable state of one AIS vessel (internal to :class:`AisTable`)."""

    __slots__ = (
        "gap_open",
        "kind",
        "last_lat",
        "last_lon",
        "length_m",
        "mmsi",
        "msg_type",
        "n_reports",
        "name",
        "nav_status",
        "p",
        "pending",
        "ship_type",
        "sog_kn",
        "t_s",
        "trail",
        "x",
    )

    def __init__(self, mmsi: int, trail_len: int) -> None:
        self.mmsi = mmsi
        self.x = np.zeros((1, 4))
        self.p = np.zeros((1, 4, 4))
        self.t_s = -math.inf
        self.last_lat = math.nan
        self.last_lon = math.nan
        self.msg_type = 1
        self.sog_kn: float | None = None
        self.nav_status: int | None = None
        self.n_reports = 0
        self.gap_open = False
        self.pending: tuple[float, float, float] | None = None  # rejected (t_s, lat, lon)
        self.trail: deque[tuple[float, float, float]] = deque(maxlen=trail_len)
        self.ship_type: int | None = None
        self.length_m: float | None = None
        self.name: str | None = None
        self.kind = TrackKind.SHIP

    @property
    def track_id(self) -> str:
        return f"AIS-{self.mmsi}"

    def expected_interval_s(self) -> float:
        return nominal_interval_s(self.msg_type, self.sog_kn, self.nav_status)


def iso_utc(t_s: float) -> str:
    """Seconds since the Unix epoch as an ISO 8601 UTC time."""
    return datetime.fromtimestamp(t_s, UTC).isoformat()


def _clean_sog(sog_kn: float | None) -> float | None:
    return None if sog_kn is None or not math.isfinite(sog_kn) or sog_kn >= 102.2 else sog_kn


def _clean_cog(cog_deg: float | None) -> float | None:
    return None if cog_deg is None or not math.isfinite(cog_deg) or cog_deg >= 360.0 else cog_deg


class AisTable:
    """All AIS vessels heard, keyed by MMSI."""

    def __init__(
        self,
        projection: LocalProjection,
        config: AisConfig | None = None,
        known_assets: Mapping[int, TrackKind] | None = None,
    ) -> None:
        self.projection = projection
        self.config = config if config is not None else AisConfig()
        self.known_assets = dict(known_assets or {})
        self.targets: dict[int, AisTarget] = {}
        self._static: dict[int, AisStatic] = {}
        self.counts = {
            "accepted": 0,
            "rejected_jump": 0,
            "restarted": 0,
            "stale": 0,
            "ignored": 0,
            "invalid": 0,
            "out_of_area": 0,
        }
        self._origin = (projection.lat0_deg, projection.lon0_deg)
        cfg = self.config
        self._r_pos = np.array([cfg.sigma_m**2])
        self._r_full = np.diag([cfg.sigma_m**2] * 2 + [cfg.velocity_sigma_ms**2] * 2)

    def _gap_threshold_s(self, target: AisTarget) -> float:
        cfg = self.config
        return max(cfg.gap_factor * target.expected_interval_s(), cfg.min_gap_s)

    def static(self, obs: AisStatic) -> None:
        """Record who a vessel is (type, length, name); applies now and to later reports."""
        self._static[obs.mmsi] = obs
        target = self.targets.get(obs.mmsi)
        if target is not None:
            self._apply_static(target, obs)

    def _apply_static(self, target: AisTarget, obs: AisStatic) -> None:
        if obs.ship_type is not None:
            target.ship_type = obs.ship_type
        if obs.length_m is not None and obs.length_m > 0:
            target.length_m = float(obs.length_m)
        if obs.name:
            target.name = obs.name.strip() or target.name
        target.kind = ais_kind(target.mmsi, target.ship_type, self.known_assets)

    def position(self, obs: AisPosition, t_s: float) -> list[Notice]:
        """Take one position report at ``t_s`` (seconds, UTC epoch). Returns notices."""
        if obs.msg_type not in VESSEL_MSG_TYPES:
            self.counts["ignored"] += 1
            return []
        lat, lon = obs.lat, obs.lon
        if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
            self.counts["invalid"] += 1
            return []
        if float(haversine_m(*self._origin, lat, lon)) > self.config.max_range_m:
            self.counts["out_of_area"] += 1
            return []
        target = self.targets.get(obs.mmsi)
        if target is None:
            return self._start(obs, t_s)
        dt = t_s - target.t_s
        if dt < -self.config.late_tolerance_s:
            self.counts["stale"] += 1
            return []
        dt = max(dt, 0.0)
        notices: list[Notice] = []
        distance = float(haversine_m(target.last_lat, target.last_lon, lat, lon))
        if distance > self._max_move_m(target, obs, dt):
            if target.pending is not None and self._agrees_with_pending(target, obs, t_s):
                # two reports agree against the track: it was the earlier fix that was wrong
                notices.append(self._restart_notice(target, obs, t_s, distance))
                self.counts["restarted"] += 1
                self._restart(target, obs, t_s)
                return notices
            target.pending = (t_s, lat, lon)
            self.counts["rejected_jump"] += 1
            return [self._jump_notice(target, obs, t_s, distance, dt)]
        target.pending = None
        if target.gap_open:
            notices.append(self._resumed_notice(target, t_s))
        elif dt > self._gap_threshold_s(target):
            notices.append(self._gap_notice(target, t_s, closed=True))
        target.gap_open = False
        self._update(target, obs, t_s, dt)
        return notices

    def _max_move_m(self, target: AisTarget, obs: AisPosition, dt: float) -> float:
        aircraft = obs.msg_type == 9 or is_sar_aircraft_mmsi(obs.mmsi)
        cap_kn = AIRCRAFT_MAX_SPEED_KN if aircraft else self.config.max_speed_kn
        return cap_kn * MS_PER_KN * dt + self.config.jump_tolerance_m

    def _agrees_with_pending(self, target: AisTarget, obs: AisPosition, t_s: float) -> bool:
        assert target.pending is not None
        t0, lat0, lon0 = target.pending
        move = float(haversine_m(lat0, lon0, obs.lat, obs.lon))
        return move <= self._max_move_m(target, obs, max(t_s - t0, 0.0))

    def _start(self, obs: AisPosition, t_s: float) -> list[Notice]:
        target = AisTarget(obs.mmsi, self.config.trail_len)
        target.kind = ais_kind(obs.mmsi, None, self.known_assets)
        static = self._static.get(obs.mmsi)
        if static is not None:
            self._apply_static(target, static)
        self.targets[obs.mmsi] = target
        self._restart(target, obs, t_s)
        return []

    def _restart(self, target: AisTarget, obs: AisPosition, t_s: float) -> None:
        cfg = self.config
        x, y = self.projection.to_xy(obs.lat, obs.lon)
        target.x = np.array([[float(x), float(y), 0.0, 0.0]])
        target.p = np.diag([cfg.sigma_m**2, cfg.sigma_m**2, 25.0, 25.0])[None]
        target.pending = None
        target.gap_open = False
        target.trail.clear()
        self._update(target, obs, t_s, 0.0, fresh=True)

    def _update(
        self, target: AisTarget, obs: AisPosition, t_s: float, dt: float, fresh: bool = False
    ) -> None:
        cfg = self.config
        if dt > 0.0:
            target.x, target.p = predict(target.x, target.p, dt, cfg.process_noise_m2s3)
        x, y = self.projection.to_xy(obs.lat, obs.lon)
        sog = _clean_sog(obs.sog_kn)
        cog = _clean_cog(obs.cog_deg)
        v: tuple[float, float] | None = None
        if sog is not None and (cog is not None or sog < 0.1):
            # COG is true north; the local grid's north differs by the meridian convergence,
            # under a degree within the region, which is ignored
            brg = math.radians(cog if cog is not None else 0.0)
            v = (sog * MS_PER_KN * math.sin(brg), sog * MS_PER_KN * math.cos(brg))
        if fresh:  # the state was just set from this report's position
            if v is not None:
                target.x[0, 2:] = v
                target.p[0, 2, 2] = target.p[0, 3, 3] = cfg.velocity_sigma_ms**2
        elif v is not None:  # position and velocity in one update
            z = np.array([[float(x), float(y), v[0], v[1]]])
            target.x, target.p = update_linear(target.x, target.p, z, _H_FULL, self._r_full)
        else:
            z = np.array([[float(x), float(y)]])
            target.x, target.p = update_position(target.x, target.p, z, self._r_pos)
        target.t_s = max(t_s, target.t_s)
        target.last_lat, target.last_lon = obs.lat, obs.lon
        target.msg_type = obs.msg_type
        target.sog_kn = sog
        target.nav_status = obs.nav_status
        target.n_reports += 1
        target.trail.append((t_s, obs.lat, obs.lon))
        self.counts["accepted"] += 1

    def check(self, t_s: float) -> list[Notice]:
        """At time ``t_s``: announce new gaps, and drop targets silent for ``lost_after_s``."""
        notices: list[Notice] = []
        for mmsi, target in list(self.targets.items()):
            silent = t_s - target.t_s
            if silent > self.config.lost_after_s:
                notices.append(("track.lost", t_s, self._lost_payload(target, silent)))
                del self.targets[mmsi]
            elif not target.gap_open and silent > self._gap_threshold_s(target):
                target.gap_open = True
                notices.append(self._gap_notice(target, t_s, closed=False))
        return notices

    # ------------------------------------------------------------- notices
    def _base(self, target: AisTarget) -> dict[str, Any]:
        return {
            "track_id": target.track_id,
            "mmsi": target.mmsi,
            "kind": str(target.kind),
            "lat": target.last_lat,
            "lon": target.last_lon,
        }

    def _gap_notice(self, target: AisTarget, t_s: float, closed: bool) -> Notice:
        payload = self._base(target)
        payload.update(
            last_report=iso_utc(target.t_s),
            silent_s=round(t_s - target.t_s, 3),
            expected_interval_s=target.expected_interval_s(),
            threshold_s=self._gap_threshold_s(target),
            ongoing=not closed,
        )
        return ("track.ais_gap", t_s, payload)

    def _resumed_notice(self, target: AisTarget, t_s: float) -> Notice:
        payload = self._base(target)
        payload["silent_s"] = round(t_s - target.t_s, 3)
        return ("track.ais_resumed", t_s, payload)

    def _jump_notice(
        self, target: AisTarget, obs: AisPosition, t_s: float, distance: float, dt: float
    ) -> Notice:
        payload = self._base(target)
        payload.update(
            rejected_lat=obs.lat,
            rejected_lon=obs.lon,
            distance_m=round(distance, 1),
            dt_s=round(dt, 3),
            implied_speed_kn=round(distance / dt / MS_PER_KN, 1) if dt > 0 else None,
        )
        return ("track.jump_rejected", t_s, payload)

    def _restart_notice(
        self, target: AisTarget, obs: AisPosition, t_s: float, distance: float
    ) -> Notice:
        payload = self._base(target)
        payload.update(new_lat=obs.lat, new_lon=obs.lon, distance_m=round(distance, 1))
        return ("track.ais_restarted", t_s, payload)

    def _lost_payload(self, target: AisTarget, silent: float) -> dict[str, Any]:
        payload = self._base(target)
        payload.update(
            last_update=iso_utc(target.t_s), silent_s=round(silent, 3), reason="ais_silent"
        )
        return payload
