"""The kinematic multi-target tracker: arrays of detections in, arrays of tracks out.

All tracks live in parallel numpy arrays (states, covariances, hit histories, trails) and are
predicted, gated, assigned and updated together; there is no per-track Python object. One call to
:meth:`KinematicTracker.step` processes one scan (or one batch of plots taken at the same time):

1. predict every track to the scan time (NCV model);
2. gate with a kd-tree, cost each gated pair by its likelihood ratio against "missed + clutter";
3. global-nearest-neighbour assignment, confirmed tracks first, then tentative tracks on the
   plots that are left;
4. batched Kalman update of the assigned tracks;
5. M-of-N confirmation, deletion (tentative tracks that can no longer reach M, confirmed tracks
   after ``max_misses`` consecutive misses, any track older than ``max_coast_s``);
6. every plot still unassigned starts a tentative track (position from the plot, velocity 0 with
   a wide prior).

A scan is "full" when the sensor looked everywhere (a radar sweep): then tracks without a plot
count a miss. A single sighting is not full: it counts hits only, and deletion is by age.
:meth:`KinematicTracker.step_batch` takes many plots that are not a full scan at once (lone plots
and sightings from several sensors): a track may take several of them, one per pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from channelwatch.track.assign import gnn_assign
from channelwatch.track.config import TrackerConfig
from channelwatch.track.errors import TrackInputError
from channelwatch.track.gating import candidate_pairs, gate_radius_m, pair_costs
from channelwatch.track.kalman import FloatArray, predict, update_position

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
UInt32Array = npt.NDArray[np.uint32]

QUALITY_WINDOW = 16  # scans over which track quality (share of hits) is measured

_BYTE_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)


def popcount32(v: UInt32Array) -> Int64Array:
    """Number of set bits of each 32-bit value."""
    counts: Int64Array = (
        _BYTE_POPCOUNT[v & 0xFF]
        + _BYTE_POPCOUNT[(v >> 8) & 0xFF]
        + _BYTE_POPCOUNT[(v >> 16) & 0xFF]
        + _BYTE_POPCOUNT[v >> 24]
    )
    return counts


@dataclass(frozen=True, slots=True)
class StepResult:
    """What one step did, as arrays (track ids are int64, stable for a track's life)."""

    t_s: float
    det_track_id: Int64Array  # per detection: the track it updated or started
    det_started: BoolArray  # per detection: True if it started a new tentative track
    updated_ids: Int64Array
    confirmed_ids: Int64Array  # tracks confirmed in this step
    deleted_ids: Int64Array
    deleted_confirmed: BoolArray  # per deleted track: was it confirmed (a lost track)
    deleted_x: FloatArray  # (k, 4) last state of each deleted track, at deleted_t_update_s
    deleted_t_update_s: FloatArray
    # per detection (nearest mode only): it chose a track that took a better detection
    det_contested: BoolArray = field(default_factory=lambda: np.empty(0, np.bool_))


_FIELDS = (
    "ids",
    "x",
    "p",
    "t_update",
    "hits",
    "age",
    "misses",
    "history",
    "confirmed",
    "trail_t",
    "trail_xy",
    "trail_count",
)


class KinematicTracker:
    """GNN multi-target tracker over batched NCV Kalman filters (see the module docstring)."""

    def __init__(self, config: TrackerConfig | None = None) -> None:
        self.config = config if config is not None else TrackerConfig()
        self.t_s: float | None = None
        self._next_id = 0
        self._window_mask = np.uint32((1 << self.config.confirm_n) - 1)
        self._quality_mask = np.uint32((1 << QUALITY_WINDOW) - 1)
        self._empty()

    # ----------------------------------------------------------------- state
    def _empty(self) -> None:
        trail = self.config.trail_len
        self.ids = np.empty(0, np.int64)
        self.x = np.empty((0, 4))
        self.p = np.empty((0, 4, 4))
        self.t_update = np.empty(0)
        self.hits = np.empty(0, np.int64)
        self.age = np.empty(0, np.int64)  # scans seen since birth (birth counts 1)
        self.misses = np.empty(0, np.int64)  # consecutive misses
        self.history = np.empty(0, np.uint32)  # bit 0 = latest scan, 1 = hit
        self.confirmed = np.empty(0, np.bool_)
        self.trail_t = np.empty((0, trail))
        self.trail_xy = np.empty((0, trail, 2))
        self.trail_count = np.empty(0, np.int64)

    def _keep(self, mask: BoolArray) -> None:
        for name in _FIELDS:
            setattr(self, name, getattr(self, name)[mask])

    def __len__(self) -> int:
        return int(self.ids.size)

    @property
    def n_confirmed(self) -> int:
        return int(np.count_nonzero(self.confirmed))

    def quality(self) -> FloatArray:
        """Per track, the share of scans with a hit over the last 16 scans of its life."""
        recent = popcount32(self.history & self._quality_mask)
        return np.asarray(recent / np.minimum(np.maximum(self.age, 1), QUALITY_WINDOW), float)

    def confirmed_states(self) -> tuple[Int64Array, FloatArray]:
        """Ids and states ``[x, y, vx, vy]`` of the confirmed tracks, at the current time."""
        return self.ids[self.confirmed], self.x[self.confirmed]

    def index_of(self, track_id: int) -> int | None:
        """Row of a track id in the arrays, or None if it does not exist (any more)."""
        rows = np.flatnonzero(self.ids == track_id)
        return int(rows[0]) if rows.size else None

    def trail(self, row: int) -> tuple[FloatArray, FloatArray]:
        """Times (s) and positions (k, 2) of a track's recent updates, oldest first."""
        length = self.config.trail_len
        count = int(self.trail_count[row])
        k = min(count, length)
        slots = (np.arange(count - k, count)) % length
        return self.trail_t[row, slots], self.trail_xy[row, slots]

    # ----------------------------------------------------------------- steps
    def _advance(self, t_s: float) -> None:
        if not math.isfinite(t_s):
            raise TrackInputError(f"scan time must be finite, got {t_s!r}")
        if self.t_s is not None:
            dt = t_s - self.t_s
            if dt < 0.0:
                raise TrackInputError(
                    f"scan time {t_s!r} s is before the tracker's time {self.t_s!r} s"
                )
            if dt > 0.0 and self.ids.size:
                self.x, self.p = predict(self.x, self.p, dt, self.config.process_noise_m2s3)
        self.t_s = t_s

    def step(
        self,
        t_s: float,
        z: npt.ArrayLike,
        r_var_m2: npt.ArrayLike | None = None,
        *,
        full_scan: bool = True,
        start_tracks: bool = True,
        nearest: bool = False,
    ) -> StepResult:
        """Process the detections ``z`` (m, 2) in metres taken at time ``t_s`` seconds.

        ``r_var_m2`` is each detection's position variance per axis (scalar or (m,)), by default
        ``sigma_m ** 2``. With ``start_tracks=False`` the detections no track took are left
        alone (their ``det_track_id`` is -1) rather than starting tracks. With ``nearest=True``
        each detection goes to its own best track, as if it came alone, and a track chosen by
        several takes the best of them (the others are left; see :meth:`step_batch`). Raises
        :class:`TrackInputError` on non-finite input or time going back; the tracker is
        unchanged then.
        """
        cfg = self.config
        z_arr = np.asarray(z, dtype=np.float64).reshape(-1, 2)
        m = z_arr.shape[0]
        if r_var_m2 is None:
            r = np.full(m, cfg.sigma_m**2)
        else:
            r = np.broadcast_to(np.asarray(r_var_m2, dtype=np.float64), (m,)).copy()
        if not np.isfinite(z_arr).all():
            raise TrackInputError("detections must be finite numbers (a NaN or inf was given)")
        if m and not (np.isfinite(r).all() and (r > 0.0).all()):
            raise TrackInputError(f"detection variances must be finite and > 0, got {r!r}")
        self._advance(float(t_s))
        t_now = float(t_s)
        n = self.ids.size

        tr = np.empty(0, np.intp)
        dc = np.empty(0, np.intp)
        contested = np.zeros(m if nearest else 0, np.bool_)
        if n and m and nearest:
            tr, dc, chose = self._associate_nearest(z_arr, r)
            contested[chose] = True
            contested[dc] = False
        elif n and m:
            tr, dc = self._associate(z_arr, r)
        if tr.size:
            self.x[tr], self.p[tr] = update_position(self.x[tr], self.p[tr], z_arr[dc], r[dc])

        hit = np.zeros(n, np.bool_)
        hit[tr] = True
        if full_scan:
            self.history = ((self.history << np.uint32(1)) | hit.astype(np.uint32)).astype(
                np.uint32
            )
            self.age += 1
            self.misses = np.where(hit, 0, self.misses + 1)
        else:
            self.history[tr] = (self.history[tr] << np.uint32(1)) | np.uint32(1)
            self.age[tr] += 1
            self.misses[tr] = 0
        self.hits[tr] += 1
        self.t_update[tr] = t_now
        self._write_trail(tr)

        window_hits = popcount32(self.history & self._window_mask)
        newly = ~self.confirmed & (window_hits >= cfg.confirm_m)
        self.confirmed |= newly
        confirmed_ids = self.ids[newly]

        det_track_id = np.full(m, -1, np.int64)
        det_track_id[dc] = self.ids[tr]
        updated_ids = self.ids[tr]

        remaining = cfg.confirm_n - self.age
        dead = ~self.confirmed & (
            (self.age >= cfg.confirm_n) | (window_hits + remaining < cfg.confirm_m)
        )
        dead |= self.confirmed & (self.misses >= cfg.max_misses)
        dead |= (t_now - self.t_update) > cfg.max_coast_s
        deleted = self._delete(dead)

        free = det_track_id < 0
        if not start_tracks:
            free[:] = False
        det_started = free.copy()
        if free.any():
            started = self._start(t_now, z_arr[free], r[free])
            det_track_id[free] = started
            if cfg.confirm_m == 1:  # one hit confirms: a new track is born confirmed
                confirmed_ids = np.concatenate([confirmed_ids, started])

        return StepResult(
            t_s=t_now,
            det_track_id=det_track_id,
            det_started=det_started,
            updated_ids=updated_ids,
            confirmed_ids=confirmed_ids,
            deleted_ids=deleted[0],
            deleted_confirmed=deleted[1],
            deleted_x=deleted[2],
            deleted_t_update_s=deleted[3],
            det_contested=contested,
        )

    def expire(self, t_s: float) -> StepResult:
        """Delete tracks not updated for longer than ``max_coast_s`` at ``t_s``; no prediction."""
        stale = (t_s - self.t_update) > self.config.max_coast_s
        deleted = self._delete(stale)
        empty_i = np.empty(0, np.int64)
        return StepResult(
            t_s=float(t_s),
            det_track_id=empty_i,
            det_started=np.empty(0, np.bool_),
            updated_ids=empty_i,
            confirmed_ids=empty_i,
            deleted_ids=deleted[0],
            deleted_confirmed=deleted[1],
            deleted_x=deleted[2],
            deleted_t_update_s=deleted[3],
        )

    def step_batch(
        self, t_s: float, z: npt.ArrayLike, r_var_m2: npt.ArrayLike | None = None
    ) -> StepResult:
        """Process plots taken about ``t_s`` that are not a full scan (lone plots and sightings,
        from several sensors at once): no track counts a miss, and a track may take several.

        It gives what taking the plots one at a time gives, whatever their order, computed in
        passes. Every plot chooses its best track as a lone plot would (confirmed tracks first),
        and a track chosen by several takes the best of them; the others choose again, against
        the updated track, in the next pass. So two plots of one target from two sensors update
        it one after the other (sequential Kalman updates at one time are the joint update), and
        a duplicate track starves as it would. Plots no track could take start tracks, except a
        plot inside the gate of an earlier such plot: it is offered again once that plot's track
        exists. Every pass takes or starts at least one plot. Input errors as :meth:`step`.
        """
        cfg = self.config
        z_arr = np.asarray(z, dtype=np.float64).reshape(-1, 2)
        m = z_arr.shape[0]
        if r_var_m2 is None:
            r = np.full(m, cfg.sigma_m**2)
        else:
            r = np.broadcast_to(np.asarray(r_var_m2, dtype=np.float64), (m,)).copy()
        if not np.isfinite(z_arr).all():
            raise TrackInputError("detections must be finite numbers (a NaN or inf was given)")
        if m and not (np.isfinite(r).all() and (r > 0.0).all()):
            raise TrackInputError(f"detection variances must be finite and > 0, got {r!r}")
        if not math.isfinite(t_s) or (self.t_s is not None and t_s < self.t_s):
            self._advance(t_s)  # raises, naming the bad time; nothing has changed
        owner = np.full(m, -1, np.int64)
        started = np.zeros(m, np.bool_)
        # tracks past their coasting time are gone before the first plot, as one at a time
        passes: list[StepResult] = [self.expire(float(t_s))]
        born: list[Int64Array] = []
        todo = np.arange(m)  # plots to offer to the tracks
        fresh = np.empty(0, np.intp)  # plots no track could take: they start tracks
        first = True
        while True:
            if todo.size or first:
                first = False
                res = self.step(
                    t_s, z_arr[todo], r[todo], full_scan=False, start_tracks=False, nearest=True
                )
                passes.append(res)
                took = res.det_track_id >= 0
                owner[todo[took]] = res.det_track_id[took]
                fresh = np.concatenate([fresh, todo[~took & ~res.det_contested]])
                todo = todo[res.det_contested]  # their track took a better plot: ask again
                continue
            if not fresh.size:
                break
            fresh.sort()
            lead = fresh[separated(z_arr[fresh], r[fresh], cfg.gate_d2)]
            ids = self._start(float(t_s), z_arr[lead], r[lead])
            owner[lead] = ids
            started[lead] = True
            born.append(ids)
            todo = np.setdiff1d(fresh, lead, assume_unique=True)
            fresh = np.empty(0, np.intp)
        confirmed = [p.confirmed_ids for p in passes]
        if cfg.confirm_m == 1:  # one hit confirms: new tracks are born confirmed
            confirmed += born
        return StepResult(
            t_s=float(t_s),
            det_track_id=owner,
            det_started=started,
            updated_ids=np.concatenate([p.updated_ids for p in passes]),
            confirmed_ids=np.concatenate(confirmed),
            deleted_ids=np.concatenate([p.deleted_ids for p in passes]),
            deleted_confirmed=np.concatenate([p.deleted_confirmed for p in passes]),
            deleted_x=np.concatenate([p.deleted_x for p in passes]),
            deleted_t_update_s=np.concatenate([p.deleted_t_update_s for p in passes]),
        )

    # ----------------------------------------------------------------- parts
    def _associate(
        self, z: FloatArray, r: FloatArray
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        cfg = self.config
        n, m = self.ids.size, z.shape[0]
        x_pos = self.x[:, :2]
        p_pos = self.p[:, :2, :2]
        radius = gate_radius_m(p_pos, float(r.max()), cfg.gate_d2)
        rows, cols = candidate_pairs(x_pos, radius, z)
        d2, cost = pair_costs(x_pos, p_pos, z, r, rows, cols, cfg.log_clutter_ratio)
        inside = d2 <= cfg.gate_d2
        rows, cols, cost = rows[inside], cols[inside], cost[inside]
        # confirmed tracks choose first; tentative tracks share what is left
        first = self.confirmed[rows]
        r1, c1 = gnn_assign(rows[first], cols[first], cost[first], n, m)
        used = np.zeros(m, np.bool_)
        used[c1] = True
        second = ~first & ~used[cols]
        r2, c2 = gnn_assign(rows[second], cols[second], cost[second], n, m)
        return np.concatenate([r1, r2]), np.concatenate([c1, c2])

    def _associate_nearest(
        self, z: FloatArray, r: FloatArray
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """(tracks, plots) taken, and every plot that chose a track."""
        cfg = self.config
        m = z.shape[0]
        x_pos = self.x[:, :2]
        p_pos = self.p[:, :2, :2]
        radius = gate_radius_m(p_pos, float(r.max()), cfg.gate_d2)
        rows, cols = candidate_pairs(x_pos, radius, z)
        d2, cost = pair_costs(x_pos, p_pos, z, r, rows, cols, cfg.log_clutter_ratio)
        ok = (d2 <= cfg.gate_d2) & (cost < 0.0)  # as GNN: only pairs likelier than clutter
        rows, cols, cost = rows[ok], cols[ok], cost[ok]
        # a plot that a confirmed track could take looks at confirmed tracks only
        first = self.confirmed[rows]
        has_confirmed = np.zeros(m, np.bool_)
        has_confirmed[cols[first]] = True
        keep = first | ~has_confirmed[cols]
        rows, cols, cost = rows[keep], cols[keep], cost[keep]
        best = _cheapest(cols, cost)  # each plot's own best track
        rows, cols, cost = rows[best], cols[best], cost[best]
        won = _cheapest(rows, cost)  # each track's best plot among those that chose it
        return rows[won].astype(np.intp), cols[won].astype(np.intp), cols.astype(np.intp)

    def _write_trail(self, rows: npt.NDArray[np.intp]) -> None:
        if rows.size == 0:
            return
        slot = self.trail_count[rows] % self.config.trail_len
        self.trail_t[rows, slot] = self.t_s
        self.trail_xy[rows, slot] = self.x[rows, :2]
        self.trail_count[rows] += 1

    def _delete(self, dead: BoolArray) -> tuple[Int64Array, BoolArray, FloatArray, FloatArray]:
        if not dead.any():
            return np.empty(0, np.int64), np.empty(0, np.bool_), np.empty((0, 4)), np.empty(0)
        # report the state at the last update, not the coasted prediction
        rows = np.flatnonzero(dead)
        last_xy = np.empty((rows.size, 4))
        slot = (self.trail_count[rows] - 1) % self.config.trail_len
        last_xy[:, :2] = self.trail_xy[rows, slot]
        last_xy[:, 2:] = self.x[rows, 2:]
        out = (self.ids[dead], self.confirmed[dead], last_xy, self.t_update[dead])
        self._keep(~dead)
        return out

    def _start(self, t_s: float, z: FloatArray, r: FloatArray) -> Int64Array:
        cfg = self.config
        k = z.shape[0]
        new_ids = np.arange(self._next_id, self._next_id + k, dtype=np.int64)
        self._next_id += k
        x = np.zeros((k, 4))
        x[:, :2] = z
        p = np.zeros((k, 4, 4))
        p[:, 0, 0] = p[:, 1, 1] = r
        p[:, 2, 2] = p[:, 3, 3] = cfg.init_speed_sigma_ms**2
        trail = cfg.trail_len
        trail_t = np.zeros((k, trail))
        trail_t[:, 0] = t_s
        trail_xy = np.zeros((k, trail, 2))
        trail_xy[:, 0] = z
        ones = np.ones(k, np.int64)
        new = {
            "ids": new_ids,
            "x": x,
            "p": p,
            "t_update": np.full(k, t_s),
            "hits": ones,
            "age": ones.copy(),
            "misses": np.zeros(k, np.int64),
            "history": np.ones(k, np.uint32),
            "confirmed": np.full(k, cfg.confirm_m <= 1),
            "trail_t": trail_t,
            "trail_xy": trail_xy,
            "trail_count": ones.copy(),
        }
        for name in _FIELDS:
            setattr(self, name, np.concatenate([getattr(self, name), new[name]]))
        return new_ids


def _cheapest(key: npt.NDArray[np.intp], cost: FloatArray) -> npt.NDArray[np.intp]:
    """Index of the lowest-cost entry for each distinct key."""
    if key.size == 0:
        return np.empty(0, np.intp)
    order = np.lexsort((cost, key))
    k = key[order]
    first = np.ones(k.size, np.bool_)
    first[1:] = k[1:] != k[:-1]
    return order[first].astype(np.intp)


def separated(z: FloatArray, r_var_m2: FloatArray, gate_d2: float) -> BoolArray:
    """Plots to start tracks from: each plot, in order, unless an earlier plot kept is within
    the gate of a new track (``d^2 <= gate_d2 * (r_i + r_j)``). The first plot is always kept."""
    m = z.shape[0]
    keep = np.ones(m, np.bool_)
    if m < 2:
        return keep
    from scipy.spatial import cKDTree

    pairs = cKDTree(z).query_pairs(
        math.sqrt(gate_d2 * 2.0 * float(r_var_m2.max())), output_type="ndarray"
    )
    if pairs.size == 0:
        return keep
    i, j = pairs[:, 0], pairs[:, 1]  # i < j
    d2 = ((z[i] - z[j]) ** 2).sum(axis=1)
    close = d2 <= gate_d2 * (r_var_m2[i] + r_var_m2[j])
    order = np.lexsort((j[close], i[close]))
    # in order of the earlier plot: its own fate is settled before it can block a later one
    for a, b in zip(i[close][order].tolist(), j[close][order].tolist(), strict=True):
        if keep[a]:
            keep[b] = False
    return keep
