"""The observation-level tracker: the picture of every vessel, AIS or not, fed live.

:class:`Tracker` takes typed observations with UTC times and lat/lon, works in a local metric
projection, and keeps two kinds of track:

* AIS vessels, keyed by MMSI (:mod:`channelwatch.track.ais`);
* tracks built from non-AIS contacts (radar plots, aerial and drone sightings) by the kinematic
  GNN tracker (:mod:`channelwatch.track.kinematic`).

After each batch of contacts, confirmed contact tracks are compared with the AIS vessels: a
contact track that stays where an AIS vessel is, moving as it moves, is *correlated* with it (one
track per vessel, chosen by assignment) and takes its kind. An uncorrelated contact track is
classed from sighting evidence or its speed; the first time it is classed a small boat, the
tracker says so. Distress calls are not tracks: they belong to cases.

Everything the tracker detects is returned as :class:`~channelwatch.events.Event` values (and
appended to the sink, if one is given): ``track.new_small_boat``, ``track.ais_gap``,
``track.ais_resumed``, ``track.jump_rejected``, ``track.ais_restarted``, ``track.lost``,
``track.correlated``, ``track.decorrelated``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from channelwatch.events import Event, EventSink
from channelwatch.geo import MS_PER_KN, LocalProjection
from channelwatch.ingest.observation import (
    AisPosition,
    AisStatic,
    ContactReport,
    DistressCall,
    Observation,
)
from channelwatch.track.ais import AisConfig, AisTable, AisTarget, Notice, iso_utc
from channelwatch.track.assign import gnn_assign
from channelwatch.track.config import TrackerConfig
from channelwatch.track.errors import TrackInputError
from channelwatch.track.gating import candidate_pairs, chi2_gate_2dof, gate_radius_m
from channelwatch.track.kalman import FloatArray, inverse_2x2, position_sigma_m, predict
from channelwatch.track.kinds import TrackKind, contact_kind, description_kind
from channelwatch.track.kinematic import KinematicTracker, StepResult
from channelwatch.track.views import TrackView

DOVER_STRAIT_CENTRE = (51.0, 1.45)  # lat, lon of the default projection's origin
STILL_KN = 0.5  # below this a course over ground means nothing


def _contact_defaults() -> TrackerConfig:
    # radar plots of craft at sea: coarser than the benchmark sensor, lower pd, tracks kept
    # through a few minutes without a plot; steady courses (q = 0.01 gives a speed error of
    # about 1 kn with 30 m plots every 3 s)
    return TrackerConfig(
        process_noise_m2s3=0.01,
        sigma_m=50.0,
        pd=0.8,
        clutter_density_per_m2=1e-8,
        init_speed_sigma_ms=4.0,
        confirm_m=3,
        confirm_n=5,
        max_misses=6,
        max_coast_s=300.0,
    )


@dataclass(frozen=True, slots=True)
class PictureConfig:
    """Settings of the observation-level tracker."""

    contacts: TrackerConfig = field(default_factory=_contact_defaults)
    ais: AisConfig = field(default_factory=AisConfig)
    # A drifting boat moves with the tide at 0.5-3 kn: a slower band would miss exactly the boats
    # in trouble; an unidentified slow contact shown as a small boat is the safe error.
    small_boat_speed_kn: tuple[float, float] = (0.5, 12.0)
    speed_known_sigma_ms: float = 1.0  # classify by speed only once velocity is this certain
    correlation_gate_probability: float = 0.999
    correlation_max_speed_diff_ms: float = 2.5
    correlation_confirm: int = 2  # consecutive agreeing checks to correlate (and to undo it)
    late_tolerance_s: float = 5.0  # contacts this late are taken at the tracker's time
    # lone plots taken together (ingest_contacts) span at most this: at 12 kn a boat moves
    # 6 m in a second, well inside a plot's 50 m
    contact_group_s: float = 1.0

    def __post_init__(self) -> None:
        lo, hi = self.small_boat_speed_kn
        if not 0.0 <= lo < hi:
            raise TrackInputError(f"small_boat_speed_kn must be (low, high), got {(lo, hi)!r}")
        if self.correlation_confirm < 1:
            raise TrackInputError(
                f"correlation_confirm must be >= 1, got {self.correlation_confirm!r}"
            )
        if not (self.speed_known_sigma_ms > 0 and self.correlation_max_speed_diff_ms > 0):
            raise TrackInputError(
                "speed_known_sigma_ms and correlation_max_speed_diff_ms must be > 0"
            )
        if not 0.0 < self.correlation_gate_probability < 1.0:
            raise TrackInputError(
                "correlation_gate_probability must be in (0, 1), "
                f"got {self.correlation_gate_probability!r}"
            )
        if self.late_tolerance_s < 0:
            raise TrackInputError(f"late_tolerance_s must be >= 0, got {self.late_tolerance_s!r}")
        if not 0.0 <= self.contact_group_s < math.inf:
            raise TrackInputError(
                f"contact_group_s must be finite and >= 0, got {self.contact_group_s!r}"
            )


class _ContactMeta:
    """What the façade knows of a contact track beyond its kinematics."""

    __slots__ = (
        "announced",
        "candidate",
        "candidate_count",
        "correlated",
        "description",
        "evidence",
        "kind",
        "miss_count",
        "persons",
        "sensors",
    )

    def __init__(self) -> None:
        self.sensors: set[str] = set()
        self.persons: int | None = None
        self.description: str | None = None
        self.evidence: TrackKind | None = None  # kind stated by a sighting, never overridden
        self.kind = TrackKind.UNKNOWN
        self.correlated: int | None = None  # MMSI
        self.candidate: int | None = None
        self.candidate_count = 0
        self.miss_count = 0
        self.announced = False


def _utc_seconds(time: datetime, what: str) -> float:
    if time.tzinfo is None or time.utcoffset() is None:
        raise TrackInputError(f"{what} time must be timezone-aware UTC, got {time!r}")
    return time.timestamp()


class Tracker:
    """The live picture: feed observations, read tracks, receive events."""

    def __init__(
        self,
        projection: LocalProjection | None = None,
        config: PictureConfig | None = None,
        known_assets: Mapping[int, TrackKind] | None = None,
        sink: EventSink | None = None,
        actor: str = "tracker",
        policy_hash: str | None = None,
    ) -> None:
        self.projection = projection or LocalProjection(*DOVER_STRAIT_CENTRE)
        self.config = config if config is not None else PictureConfig()
        for mmsi, kind in (known_assets or {}).items():
            if kind not in (TrackKind.PATROL, TrackKind.RESCUE, TrackKind.SHIP):
                raise TrackInputError(
                    f"known asset {mmsi} must be patrol, rescue or ship: {kind!r}"
                )
        self.ais = AisTable(self.projection, self.config.ais, known_assets)
        self.core = KinematicTracker(self.config.contacts)
        self.sink = sink
        self.actor = actor
        self.policy_hash = policy_hash
        self._meta: dict[int, _ContactMeta] = {}
        self.counts = {
            "contacts": 0,
            "stale_contacts": 0,
            "bad_contacts": 0,
            "distress_calls_refused": 0,
        }

    # --------------------------------------------------------------- input
    def ingest(self, obs: AisPosition | AisStatic | ContactReport) -> list[Event]:
        """Take one observation; returns the events it caused (also sent to the sink)."""
        if isinstance(obs, AisPosition):
            t_s = _utc_seconds(obs.time, "AIS position")
            return self._emit(self.ais.position(obs, t_s))
        if isinstance(obs, AisStatic):
            _utc_seconds(obs.time, "AIS static")
            self.ais.static(obs)
            return []
        if isinstance(obs, ContactReport):
            return self._contacts([obs], full_scan=False)
        if isinstance(obs, DistressCall):
            self.counts["distress_calls_refused"] += 1
            ref = f" {obs.call_id}" if obs.call_id else ""
            raise TrackInputError(f"distress call{ref} is not a track: route it to cases")
        raise TrackInputError(f"cannot track a {type(obs).__name__}")

    def ingest_many(self, observations: Iterable[Observation]) -> list[Event]:
        """Take observations one by one, in order (distress calls are skipped and counted)."""
        events: list[Event] = []
        for obs in observations:
            if isinstance(obs, DistressCall):
                self.counts["distress_calls_refused"] += 1
                continue
            events += self.ingest(obs)
        return events

    def ingest_scan(self, reports: Sequence[ContactReport]) -> list[Event]:
        """Take one full radar sweep: every track the sensor did not see counts a miss."""
        if not reports:
            return []
        return self._contacts(list(reports), full_scan=True)

    def ingest_contacts(self, reports: Sequence[ContactReport]) -> list[Event]:
        """Take many plots and sightings that are not a full sweep (lone plots from several
        sensors, as they come in), associated together: no track counts a miss for not being
        among them, and a track may take several of them (one per pass, see
        :meth:`KinematicTracker.step_batch`).

        Reports are taken in time order, in groups spanning at most
        ``PictureConfig.contact_group_s``, each at its latest time. Reports that cannot be
        tracked (a time without a UTC offset, a position or sigma that is not a finite number)
        are skipped and counted (``bad_contacts``), as are those more than
        ``late_tolerance_s`` behind the tracker's time (``stale_contacts``): the rest is taken.
        """
        return self._emit(self._contact_batch(list(reports)))

    def tick(self, now: datetime) -> list[Event]:
        """Let time pass to ``now``: announce AIS gaps, drop silent targets and lost tracks."""
        t_s = _utc_seconds(now, "tick")
        notices = self.ais.check(t_s)
        result = self.core.expire(t_s)
        notices += self._lost(result)
        return self._emit(notices)

    # --------------------------------------------------------------- output
    def tracks(
        self, now: datetime | None = None, include_tentative: bool = False
    ) -> list[TrackView]:
        """Every track, predicted to ``now`` if given (never back): AIS first, then contacts."""
        t_now = _utc_seconds(now, "picture") if now is not None else None
        views = [self._ais_view(t, t_now) for t in self.ais.targets.values()]
        views += self._contact_views(t_now, include_tentative)
        return views

    def track(self, track_id: str, now: datetime | None = None) -> TrackView | None:
        """One track by id, or None if there is no such track (any more)."""
        for view in self.tracks(now, include_tentative=True):
            if view.track_id == track_id:
                return view
        return None

    # --------------------------------------------------------------- contacts
    def _contacts(self, reports: list[ContactReport], full_scan: bool) -> list[Event]:
        times = [_utc_seconds(r.time, "contact") for r in reports]
        t_s = max(times)
        if self.core.t_s is not None and t_s < self.core.t_s:
            if self.core.t_s - t_s > self.config.late_tolerance_s:
                self.counts["stale_contacts"] += len(reports)
                return []
            t_s = self.core.t_s
        sigma = np.array([r.sigma_m for r in reports], dtype=np.float64)
        if not (np.isfinite(sigma).all() and (sigma > 0).all()):
            raise TrackInputError(f"contact sigma_m must be finite and > 0, got {sigma.tolist()}")
        lat = np.array([r.lat for r in reports])
        lon = np.array([r.lon for r in reports])
        if not (np.isfinite(lat).all() and np.isfinite(lon).all()) or (np.abs(lat) > 90).any():
            raise TrackInputError("contact positions must be finite lat/lon degrees")
        x, y = self.projection.to_xy(lat, lon)
        result = self.core.step(t_s, np.column_stack([x, y]), sigma**2, full_scan=full_scan)
        self.counts["contacts"] += len(reports)
        self._note_reports(reports, result.det_track_id.tolist())
        notices = self._lost(result)
        notices += self._classify(t_s)
        return self._emit(notices)

    def _note_reports(self, reports: Sequence[ContactReport], track_ids: Sequence[int]) -> None:
        """What each report says beyond its position, kept with the track it went to."""
        for report, track_id in zip(reports, track_ids, strict=True):
            meta = self._meta.get(track_id)
            if meta is None:
                meta = self._meta[track_id] = _ContactMeta()
            meta.sensors.add(str(report.sensor))
            if report.persons_estimate is not None:
                meta.persons = report.persons_estimate
            if report.description:
                meta.description = report.description
            if report.persons_estimate is not None and report.persons_estimate > 0:
                meta.evidence = TrackKind.SMALL_BOAT
            elif meta.evidence is None:
                meta.evidence = description_kind(report.description)

    def _contact_batch(self, reports: list[ContactReport]) -> list[Notice]:
        """Reports that are not a full scan, in groups of at most ``contact_group_s``."""
        good: list[ContactReport] = []
        times: list[float] = []
        t_min = (
            self.core.t_s - self.config.late_tolerance_s if self.core.t_s is not None else -math.inf
        )
        for r in reports:
            offset = r.time.utcoffset() if isinstance(r.time, datetime) else None
            ok = (
                offset is not None
                and isinstance(r.sigma_m, int | float)
                and math.isfinite(r.sigma_m)
                and r.sigma_m > 0
                and isinstance(r.lat, int | float)
                and isinstance(r.lon, int | float)
                and math.isfinite(r.lat)
                and math.isfinite(r.lon)
                and abs(r.lat) <= 90.0
            )
            if not ok:
                self.counts["bad_contacts"] += 1
                continue
            t = r.time.timestamp()
            if t < t_min:
                self.counts["stale_contacts"] += 1
                continue
            good.append(r)
            times.append(t)
        if not good:
            return []
        order = np.argsort(np.array(times), kind="stable")
        good = [good[k] for k in order.tolist()]
        t_sorted = np.array(times)[order]
        x, y = self.projection.to_xy(
            np.array([r.lat for r in good], float), np.array([r.lon for r in good], float)
        )
        z = np.column_stack([np.atleast_1d(x), np.atleast_1d(y)])
        r_var = np.array([r.sigma_m for r in good], float) ** 2
        # group ends: where the time since the group's first report passes the window
        window = self.config.contact_group_s
        notices: list[Notice] = []
        start = 0
        while start < len(good):
            stop = int(np.searchsorted(t_sorted, t_sorted[start] + window, side="right"))
            t_s = float(t_sorted[stop - 1])
            if self.core.t_s is not None:
                t_s = max(t_s, self.core.t_s)
            result = self.core.step_batch(t_s, z[start:stop], r_var[start:stop])
            self.counts["contacts"] += stop - start
            self._note_reports(good[start:stop], result.det_track_id.tolist())
            notices += self._lost(result)
            notices += self._classify(t_s)
            start = stop
        return notices

    def _lost(self, result: StepResult) -> list[Notice]:
        notices: list[Notice] = []
        if result.deleted_ids.size == 0:
            return notices
        lat, lon = self.projection.to_latlon(result.deleted_x[:, 0], result.deleted_x[:, 1])
        for k, track_id in enumerate(result.deleted_ids.tolist()):
            meta = self._meta.pop(track_id, None)
            if not result.deleted_confirmed[k]:
                continue
            kind = meta.kind if meta is not None else TrackKind.UNKNOWN
            payload: dict[str, Any] = {
                "track_id": f"T-{track_id}",
                "kind": str(kind),
                "lat": float(lat[k]),
                "lon": float(lon[k]),
                "last_update": iso_utc(float(result.deleted_t_update_s[k])),
                "correlated_mmsi": meta.correlated if meta is not None else None,
                "reason": "no_detection",
            }
            notices.append(("track.lost", result.t_s, payload))
        return notices

    def _ais_arrays(self, t_s: float) -> tuple[list[AisTarget], FloatArray, FloatArray]:
        targets = list(self.ais.targets.values())
        if not targets:
            return targets, np.empty((0, 4)), np.empty((0, 4, 4))
        x = np.concatenate([t.x for t in targets])
        p = np.concatenate([t.p for t in targets])
        dt = np.maximum(t_s - np.array([t.t_s for t in targets]), 0.0)
        x, p = predict(x, p, dt, self.config.ais.process_noise_m2s3)
        return targets, x, p

    def _classify(self, t_s: float) -> list[Notice]:
        """Correlate confirmed contact tracks with AIS vessels, then class the rest."""
        cfg = self.config
        rows = np.flatnonzero(self.core.confirmed)
        if rows.size == 0:
            return []
        x_c = self.core.x[rows]
        p_c = self.core.p[rows]
        targets, x_a, p_a = self._ais_arrays(t_s)
        match = np.full(rows.size, -1, np.intp)
        nearby = np.zeros(rows.size, np.bool_)
        if targets:
            gate_d2 = chi2_gate_2dof(cfg.correlation_gate_probability)
            r_max = float(np.max(position_sigma_m(p_a)) ** 2)
            radius = gate_radius_m(p_c[:, :2, :2], r_max, gate_d2)
            ci, ai = candidate_pairs(x_c[:, :2], radius, x_a[:, :2])
            s_inv, _ = inverse_2x2(p_c[ci, :2, :2] + p_a[ai, :2, :2])
            nu = x_a[ai, :2] - x_c[ci, :2]
            d2 = np.einsum("ni,nij,nj->n", nu, s_inv, nu)
            dv = np.hypot(*(x_a[ai, 2:] - x_c[ci, 2:]).T)
            v_sigma = np.sqrt(np.maximum(np.trace(p_c[ci, 2:, 2:], axis1=1, axis2=2), 0.0))
            ok = (d2 <= gate_d2) & (dv <= cfg.correlation_max_speed_diff_ms + 3.0 * v_sigma)
            nearby[ci[ok]] = True
            ai_sel, aj_sel = gnn_assign(ci[ok], ai[ok], d2[ok] - gate_d2, rows.size, len(targets))
            match[ai_sel] = aj_sel
        speed_ms = np.hypot(x_c[:, 2], x_c[:, 3])
        v_sig = np.sqrt(np.maximum(np.linalg.eigvalsh(p_c[:, 2:, 2:])[:, 1], 0.0))
        steady_kn = self._steady_speeds_kn(rows, v_sig, speed_ms)
        lat, lon = self.projection.to_latlon(x_c[:, 0], x_c[:, 1])
        notices: list[Notice] = []
        for k, row in enumerate(rows.tolist()):
            track_id = int(self.core.ids[row])
            meta = self._meta.setdefault(track_id, _ContactMeta())
            mmsi = targets[match[k]].mmsi if match[k] >= 0 else None
            if meta.evidence == TrackKind.SMALL_BOAT:
                mmsi = None  # seen to be a small boat: never absorbed into an AIS vessel
            base = {"track_id": f"T-{track_id}", "lat": float(lat[k]), "lon": float(lon[k])}
            notices += self._correlation_step(meta, mmsi, t_s, base)
            if meta.correlated is not None:
                continue
            speed_kn = steady_kn[k]
            kind = meta.evidence or contact_kind(speed_kn, cfg.small_boat_speed_kn)
            if kind == TrackKind.SMALL_BOAT and nearby[k] and meta.evidence is None:
                kind = TrackKind.UNKNOWN  # an AIS vessel is right there: wait for correlation
            if meta.kind == TrackKind.SMALL_BOAT:
                kind = TrackKind.SMALL_BOAT  # once a small boat, always shown as one
            meta.kind = kind
            if kind == TrackKind.SMALL_BOAT and not meta.announced:
                meta.announced = True
                payload = dict(base)
                payload.update(
                    sog_kn=round(float(speed_ms[k] / MS_PER_KN), 2),
                    cog_deg=_course_deg(float(x_c[k, 2]), float(x_c[k, 3])),
                    position_sigma_m=round(float(position_sigma_m(p_c[k : k + 1])[0]), 1),
                    persons_estimate=meta.persons,
                    sensors=sorted(meta.sensors),
                    evidence="sighting" if meta.evidence else "speed",
                )
                notices.append(("track.new_small_boat", t_s, payload))
        return notices

    def _steady_speeds_kn(
        self, rows: npt.NDArray[np.intp], v_sigma_ms: FloatArray, speed_ms: FloatArray
    ) -> list[float | None]:
        """Speed for classing each track (knots), or None while it is too uncertain.

        The filter's velocity follows manoeuvres and is noisy; the mean velocity over the trail
        (a minute or more of filtered positions) is steadier, so it is preferred when it is known
        better. All tracks at once: the trail's first and last points, from the ring buffers."""
        core = self.core
        limit = self.config.speed_known_sigma_ms
        length = core.config.trail_len
        count = core.trail_count[rows]
        first = (count - np.minimum(count, length)) % length
        last = (count - 1) % length
        span = core.trail_t[rows, last] - core.trail_t[rows, first]
        moved = core.trail_xy[rows, last] - core.trail_xy[rows, first]
        pos_sigma = position_sigma_m(core.p[rows])
        with np.errstate(divide="ignore", invalid="ignore"):
            trail_sigma = np.where(span > 0.0, math.sqrt(2.0) * pos_sigma / span, np.inf)
            trail_kn = np.hypot(moved[:, 0], moved[:, 1]) / span / MS_PER_KN
        use_trail = (span > 0.0) & (trail_sigma < v_sigma_ms) & (trail_sigma <= limit)
        filter_kn = speed_ms / MS_PER_KN
        return [
            float(tk) if ut else (float(fk) if vs <= limit else None)
            for tk, ut, fk, vs in zip(
                trail_kn.tolist(),
                use_trail.tolist(),
                filter_kn.tolist(),
                v_sigma_ms.tolist(),
                strict=True,
            )
        ]

    def _correlation_step(
        self, meta: _ContactMeta, mmsi: int | None, t_s: float, base: dict[str, Any]
    ) -> list[Notice]:
        need = self.config.correlation_confirm
        if mmsi is not None and mmsi == meta.candidate:
            meta.candidate_count += 1
        else:
            meta.candidate = mmsi
            meta.candidate_count = 1 if mmsi is not None else 0
        if mmsi is None or mmsi != meta.correlated:
            meta.miss_count += 1
        else:
            meta.miss_count = 0
        notices: list[Notice] = []
        if meta.correlated is not None and meta.miss_count >= need:
            payload = dict(base, mmsi=meta.correlated)
            notices.append(("track.decorrelated", t_s, payload))
            meta.correlated = None
            meta.kind = TrackKind.UNKNOWN
        if mmsi is not None and meta.candidate_count >= need and meta.correlated != mmsi:
            meta.correlated = mmsi
            meta.miss_count = 0
            target = self.ais.targets.get(mmsi)
            meta.kind = target.kind if target is not None else TrackKind.SHIP
            notices.append(("track.correlated", t_s, dict(base, mmsi=mmsi, kind=str(meta.kind))))
        return notices

    # --------------------------------------------------------------- views
    def _ais_view(self, target: AisTarget, t_now: float | None) -> TrackView:
        x, p = target.x, target.p
        if t_now is not None and t_now > target.t_s:
            x, p = predict(x, p, t_now - target.t_s, self.config.ais.process_noise_m2s3)
        lat, lon = self.projection.to_latlon(x[0, 0], x[0, 1])
        silent = (t_now if t_now is not None else target.t_s) - target.t_s
        threshold = max(
            self.config.ais.gap_factor * target.expected_interval_s(), self.config.ais.min_gap_s
        )
        return TrackView(
            track_id=target.track_id,
            kind=target.kind,
            lat=float(lat),
            lon=float(lon),
            sog_kn=round(float(math.hypot(x[0, 2], x[0, 3]) / MS_PER_KN), 2),
            cog_deg=_course_deg(float(x[0, 2]), float(x[0, 3])),
            position_sigma_m=round(float(position_sigma_m(p)[0]), 1),
            quality=round(min(1.0, threshold / silent) if silent > 0 else 1.0, 3),
            last_update=datetime.fromtimestamp(target.t_s, UTC),
            trail=tuple((datetime.fromtimestamp(t, UTC), la, lo) for t, la, lo in target.trail),
            mmsi=target.mmsi,
            sensors=("ais",),
            name=target.name,
            ship_type=target.ship_type,
            length_m=target.length_m,
        )

    def _contact_views(self, t_now: float | None, include_tentative: bool) -> list[TrackView]:
        core = self.core
        rows = np.arange(len(core)) if include_tentative else np.flatnonzero(core.confirmed)
        if rows.size == 0 or core.t_s is None:
            return []
        x, p = core.x[rows], core.p[rows]
        if t_now is not None and t_now > core.t_s:
            x, p = predict(x, p, t_now - core.t_s, core.config.process_noise_m2s3)
        lat, lon = self.projection.to_latlon(x[:, 0], x[:, 1])
        sigma = position_sigma_m(p)
        quality = core.quality()[rows]
        views: list[TrackView] = []
        instants: dict[float, datetime] = {}  # tracks updated together share their trail times

        def instant(t_s: float) -> datetime:
            t = instants.get(t_s)
            if t is None:
                t = instants[t_s] = datetime.fromtimestamp(t_s, UTC)
            return t

        # every trail in one projection call (one call per track cost more than the rest)
        trails = [core.trail(row) for row in rows.tolist()]
        ends = np.cumsum([len(t) for t, _ in trails]).tolist()
        if trails and ends[-1]:
            xy_all = np.concatenate([xy for _, xy in trails])
            lat_all, lon_all = self.projection.to_latlon(xy_all[:, 0], xy_all[:, 1])
            lat_list = np.atleast_1d(lat_all).tolist()
            lon_list = np.atleast_1d(lon_all).tolist()
        else:
            lat_list = lon_list = []
        for t_s in {t for t_trail, _ in trails for t in t_trail.tolist()}:
            instant(t_s)
        when = instants.__getitem__
        for k, row in enumerate(rows.tolist()):
            track_id = int(core.ids[row])
            meta = self._meta.get(track_id) or _ContactMeta()
            kind = meta.kind
            if meta.correlated is not None and meta.correlated in self.ais.targets:
                kind = self.ais.targets[meta.correlated].kind
            start, stop = ends[k - 1] if k else 0, ends[k]
            t_trail = map(when, trails[k][0].tolist())
            views.append(
                TrackView(
                    track_id=f"T-{track_id}",
                    kind=kind,
                    lat=float(lat[k]),
                    lon=float(lon[k]),
                    sog_kn=round(float(math.hypot(x[k, 2], x[k, 3]) / MS_PER_KN), 2),
                    cog_deg=_course_deg(float(x[k, 2]), float(x[k, 3])),
                    position_sigma_m=round(float(sigma[k]), 1),
                    quality=round(float(quality[k]), 3),
                    last_update=instant(float(core.t_update[row])),
                    trail=tuple(
                        zip(t_trail, lat_list[start:stop], lon_list[start:stop], strict=True)
                    ),
                    confirmed=bool(core.confirmed[row]),
                    correlated_mmsi=meta.correlated,
                    persons_estimate=meta.persons,
                    sensors=tuple(sorted(meta.sensors)),
                )
            )
        return views

    # --------------------------------------------------------------- events
    def _emit(self, notices: list[Notice]) -> list[Event]:
        events = [
            Event(
                type=kind,
                time=datetime.fromtimestamp(t_s, UTC),
                actor=self.actor,
                payload=payload,
                policy_hash=self.policy_hash,
            )
            for kind, t_s, payload in notices
        ]
        if self.sink is not None:
            for event in events:
                self.sink.append(event)
        return events


def _course_deg(vx_ms: float, vy_ms: float) -> float | None:
    """Course over ground (degrees from grid north) of a velocity, None when nearly still."""
    if math.hypot(vx_ms, vy_ms) < STILL_KN * MS_PER_KN:
        return None
    return round(math.degrees(math.atan2(vx_ms, vy_ms)) % 360.0, 1)
