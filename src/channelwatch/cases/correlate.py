"""Call correlation: how likely a new call or sighting belongs to each case, or to a new boat.

On 24 November 2021 many calls could not be told apart as one boat or several. Here each
candidate case gets a likelihood ratio against "a boat not yet known", from

* position: the case's predicted position at the report's time (a weighted constant-velocity
  fit of its recent fixes, or an injected track prediction), with both positions' accuracies and
  the uncertainty of the boat's motion over the elapsed time combined; a case the boat could not
  have come from at ``max_speed_kn`` is excluded;
* persons: counts compared on a log scale (callers' counts are rough), a range of counts already
  reported counting as compatible;
* description: shared words of the boat's description; different colours count against.

The ratios become probabilities over the open hypotheses (each case, or a new boat), and the
advice is SAME (suggest attaching), POSSIBLE ("possibly the same boat as case X": keep separate
until an operator decides) or NEW. The system suggests; the operator decides.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from channelwatch.cases.model import Case, Report
from channelwatch.geo import EARTH_RADIUS_M, MS_PER_KN, haversine_m

FloatArray = npt.NDArray[np.float64]


class Verdict(StrEnum):
    SAME = "same"  # suggest attaching to the case
    POSSIBLE = "possible"  # possibly the same boat: keep separate until an operator decides
    NEW = "new"  # suggest opening a new case


@dataclass(frozen=True, slots=True)
class CorrelationParams:
    """Model settings; the defaults are for small boats crossing the Dover Strait."""

    max_speed_kn: float = 8.0  # fastest plausible small boat: beyond this reach, excluded
    drift_sigma_ms: float = 1.5  # unknown motion per axis (about 3 kn) when there is no track
    track_sigma_ms: float = 0.5  # change of course/speed on top of an estimated velocity
    track_window_s: float = 7200.0  # fixes used for the velocity fit: the last two hours
    min_track_span_s: float = 900.0  # a velocity needs fixes at least 15 min apart
    track_horizon_s: float = 3600.0  # a fitted velocity is not carried further (tides turn)
    max_sigma_m: float = 20_000.0  # a boat's position is never more uncertain than the Strait
    max_gap_s: float = 12 * 3600.0  # reports further apart than this are never suggested
    area_km2: float = 1500.0  # where an unknown boat may be: the crossing area of the Strait
    new_boat_weight: float = 2.0  # prior weight of "a boat not yet known" against one case
    persons_sigma_log: float = 0.25  # spread of a caller's count (log scale, about +/-25 %)
    persons_log_range: float = math.log(80.0 / 5.0)  # counts of other boats: 5 to 80 aboard
    persons_floor: float = 0.05  # counts are rough: never exclude a case on a count alone
    same_threshold: float = 0.8
    possible_threshold: float = 0.2
    max_candidates: int = 5

    def to_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class Prediction:
    """Where a case's boat is expected at a time: centre and 1-sigma radius (metres)."""

    lat: float
    lon: float
    sigma_m: float


class TrackPredictor(Protocol):
    """An injected prediction from the tracker or the drift model, when it has one."""

    def __call__(self, case: Case, time: datetime) -> Prediction | None: ...


@dataclass(frozen=True, slots=True)
class Candidate:
    """How well one case explains the report."""

    case_id: str
    status: str
    probability: float
    distance_m: float | None  # from the predicted position (None: no position to compare)
    sigma_m: float | None  # combined 1-sigma of the comparison
    lr_position: float
    lr_persons: float
    lr_description: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "status": self.status,
            "probability": round(self.probability, 4),
            "distance_m": None if self.distance_m is None else round(self.distance_m, 1),
            "sigma_m": None if self.sigma_m is None else round(self.sigma_m, 1),
            "lr_position": float(f"{self.lr_position:.4g}"),
            "lr_persons": round(self.lr_persons, 4),
            "lr_description": round(self.lr_description, 4),
        }


@dataclass(frozen=True, slots=True)
class CorrelationAdvice:
    """The suggestion shown to the operator for one report."""

    report_id: str
    verdict: Verdict
    case_id: str | None  # the suggested case (SAME) or the most likely one (POSSIBLE)
    p_new: float
    candidates: tuple[Candidate, ...] = ()
    possibly_same_as: tuple[str, ...] = ()  # every case at or above the POSSIBLE threshold
    event_index: int | None = field(default=None, compare=False)  # where it was recorded

    def to_dict(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "verdict": str(self.verdict),
            "case_id": self.case_id,
            "p_new": round(self.p_new, 4),
            "candidates": [c.to_dict() for c in self.candidates],
            "possibly_same_as": list(self.possibly_same_as),
            "event_index": self.event_index,
        }


_WORD = re.compile(r"[a-zà-ÿ0-9]+")
_STOP = frozenset(
    "a an the and or of with in on at to is are was were it its boat small no not about "  # noqa: SIM905
    "le la les un une des et de du avec sur bateau".split()
)
_COLOURS = frozenset(
    "grey gray black white red blue orange yellow green gris noir blanc rouge bleu vert".split()  # noqa: SIM905
)
_COLOUR_ALIASES = {
    "gray": "grey",
    "gris": "grey",
    "noir": "black",
    "blanc": "white",
    "rouge": "red",
    "bleu": "blue",
    "vert": "green",
}


def description_tokens(text: str | None) -> frozenset[str]:
    """Normalised words of a boat's description (lower case, aliases folded, stopwords out)."""
    if not text:
        return frozenset()
    words = (_COLOUR_ALIASES.get(w, w) for w in _WORD.findall(text.lower()))
    return frozenset(w for w in words if len(w) > 1 and w not in _STOP)


def description_lr(a: frozenset[str], b: frozenset[str]) -> float:
    """Likelihood ratio from two descriptions: 1 if either is empty; colours must agree."""
    if not a or not b:
        return 1.0
    ca, cb = a & _COLOURS, b & _COLOURS
    if ca and cb and not (ca & cb):
        return 0.3
    # Weak either way: most boats are "grey inflatables"; words in common say little.
    jaccard = len(a & b) / len(a | b)
    return 0.8 + 0.7 * jaccard


def persons_lr(
    n: int | None, lo: FloatArray, hi: FloatArray, params: CorrelationParams
) -> FloatArray:
    """Likelihood ratio of a reported count against each case's reported range (vectorised).

    Same boat: the log of a caller's count scatters about the range with ``persons_sigma_log``;
    another boat: its count is anywhere in ``persons_log_range``. NaN bounds mean unknown.
    """
    out = np.ones_like(lo)
    if n is None:
        return out
    known = np.isfinite(lo) & np.isfinite(hi)
    if not known.any():
        return out
    ln = math.log(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        below = np.log(lo[known]) - ln
        above = ln - np.log(hi[known])
    r = np.maximum(np.maximum(below, above), 0.0)
    sigma = params.persons_sigma_log
    density_same = np.exp(-0.5 * (r / sigma) ** 2) / (sigma * math.sqrt(2.0 * math.pi))
    density_other = 1.0 / params.persons_log_range
    out[known] = np.maximum(density_same / density_other, params.persons_floor)
    return out


def _local_xy(
    lat: FloatArray, lon: FloatArray, lat0: float, lon0: float
) -> tuple[FloatArray, FloatArray]:
    # Equirectangular metres about (lat0, lon0): below 0.1 % error within 100 km, enough here.
    x = EARTH_RADIUS_M * np.radians(lon - lon0) * math.cos(math.radians(lat0))
    y = EARTH_RADIUS_M * np.radians(lat - lat0)
    return x, y


def predict_from_fixes(
    t_s: FloatArray,
    lat: FloatArray,
    lon: FloatArray,
    acc_m: FloatArray,
    at_s: float,
    params: CorrelationParams,
) -> Prediction:
    """Predict a boat's position at ``at_s`` from its fixes (times in seconds, any epoch).

    With fixes spanning at least ``min_track_span_s`` in the last ``track_window_s``, a weighted
    (1/accuracy^2) constant-velocity least-squares fit; otherwise the last fix with unknown
    motion. A fitted speed above ``max_speed_kn`` means the fixes disagree: use the last fix.
    """
    order = np.argsort(t_s, kind="stable")
    t_s, lat, lon, acc_m = t_s[order], lat[order], lon[order], acc_m[order]
    t_last = float(t_s[-1])
    lat0, lon0 = float(lat[-1]), float(lon[-1])
    dt_last = abs(at_s - t_last)
    recent = t_s >= t_last - params.track_window_s
    t, la, lo, acc = t_s[recent], lat[recent], lon[recent], acc_m[recent]
    if t.size >= 2 and float(t[-1] - t[0]) >= params.min_track_span_s:
        x, y = _local_xy(la, lo, lat0, lon0)
        w = 1.0 / acc**2
        sw = float(w.sum())
        t_bar = float((w * t).sum() / sw)
        s_tt = float((w * (t - t_bar) ** 2).sum())
        if s_tt > 0.0:
            x_bar = float((w * x).sum() / sw)
            y_bar = float((w * y).sum() / sw)
            vx = float((w * (t - t_bar) * (x - x_bar)).sum() / s_tt)
            vy = float((w * (t - t_bar) * (y - y_bar)).sum() / s_tt)
            if math.hypot(vx, vy) <= params.max_speed_kn * MS_PER_KN:
                # Carry the velocity up to the horizon; beyond it, unknown motion again.
                beyond = max(0.0, dt_last - params.track_horizon_s)
                sign = 1.0 if at_s >= t_last else -1.0
                at_fit = at_s - sign * beyond
                px = x_bar + vx * (at_fit - t_bar)
                py = y_bar + vy * (at_fit - t_bar)
                var = (
                    1.0 / sw
                    + (at_fit - t_bar) ** 2 / s_tt
                    + (params.track_sigma_ms * (dt_last - beyond)) ** 2
                    + (params.drift_sigma_ms * beyond) ** 2
                )
                plat = lat0 + math.degrees(py / EARTH_RADIUS_M)
                plon = lon0 + math.degrees(px / (EARTH_RADIUS_M * math.cos(math.radians(lat0))))
                return Prediction(plat, plon, min(math.sqrt(var), params.max_sigma_m))
    var = float(acc_m[-1]) ** 2 + (params.drift_sigma_ms * dt_last) ** 2
    return Prediction(lat0, lon0, min(math.sqrt(var), params.max_sigma_m))


@dataclass(frozen=True, slots=True)
class CaseView:
    """What correlation needs of a case (built once per case version by the case book)."""

    case_id: str
    status: str
    fix_t_s: FloatArray  # epoch seconds of positioned reports
    fix_lat: FloatArray
    fix_lon: FloatArray
    fix_acc_m: FloatArray
    first_t_s: float
    last_t_s: float
    persons_lo: float  # NaN when unknown
    persons_hi: float
    tokens: frozenset[str]

    @classmethod
    def of(cls, case: Case) -> CaseView:
        fixes = [r for r in case.reports if r.lat is not None and r.lon is not None]
        counts = [r.persons for r in case.reports if r.persons is not None]
        times = [r.time.timestamp() for r in case.reports] or [case.opened_at.timestamp()]
        words: set[str] = set()
        for r in case.reports:
            words |= description_tokens(r.description)
        return cls(
            case_id=case.case_id,
            status=str(case.status),
            fix_t_s=np.array([r.time.timestamp() for r in fixes], dtype=np.float64),
            fix_lat=np.array([r.lat for r in fixes], dtype=np.float64),
            fix_lon=np.array([r.lon for r in fixes], dtype=np.float64),
            fix_acc_m=np.array([r.accuracy_m for r in fixes], dtype=np.float64),
            first_t_s=min(times),
            last_t_s=max(times),
            persons_lo=float(min(counts)) if counts else math.nan,
            persons_hi=float(max(counts)) if counts else math.nan,
            tokens=frozenset(words),
        )


def correlate(
    report: Report,
    views: Sequence[CaseView],
    params: CorrelationParams | None = None,
    predictions: Mapping[str, Prediction] | None = None,
) -> CorrelationAdvice:
    """Score ``report`` against every case view and advise SAME, POSSIBLE or NEW (pure)."""
    p = params or CorrelationParams()
    n = len(views)
    if n == 0:
        return CorrelationAdvice(report.report_id, Verdict.NEW, None, 1.0)
    t_new = report.time.timestamp()
    last_t = np.array([v.last_t_s for v in views])
    first_t = np.array([v.first_t_s for v in views])
    # Outside the time window of a case (either side): never suggested.
    gap = np.maximum(t_new - last_t, first_t - t_new)
    in_time = gap <= p.max_gap_s

    lr_pos = np.ones(n)
    dist = np.full(n, np.nan)
    sigma = np.full(n, np.nan)
    if report.lat is not None and report.lon is not None and report.accuracy_m is not None:
        acc_new = float(report.accuracy_m)
        pred_lat = np.full(n, np.nan)
        pred_lon = np.full(n, np.nan)
        pred_sig = np.full(n, np.nan)
        reach = np.full(n, np.inf)
        last_lat = np.full(n, np.nan)
        last_lon = np.full(n, np.nan)
        for i, v in enumerate(views):
            if v.fix_t_s.size == 0:
                continue
            k = int(np.argmax(v.fix_t_s))
            last_lat[i], last_lon[i] = v.fix_lat[k], v.fix_lon[k]
            dt = abs(t_new - float(v.fix_t_s[k]))
            reach[i] = p.max_speed_kn * MS_PER_KN * dt + 3.0 * math.hypot(
                float(v.fix_acc_m[k]), acc_new
            )
            pr = (predictions or {}).get(v.case_id) or predict_from_fixes(
                v.fix_t_s, v.fix_lat, v.fix_lon, v.fix_acc_m, t_new, p
            )
            pred_lat[i], pred_lon[i], pred_sig[i] = pr.lat, pr.lon, pr.sigma_m
        has = np.isfinite(pred_lat)
        if has.any():
            d = np.asarray(haversine_m(report.lat, report.lon, pred_lat[has], pred_lon[has]))
            s2 = pred_sig[has] ** 2 + acc_new**2
            area_m2 = p.area_km2 * 1e6
            lr = area_m2 * np.exp(-0.5 * d**2 / s2) / (2.0 * math.pi * s2)
            d_last = np.asarray(haversine_m(report.lat, report.lon, last_lat[has], last_lon[has]))
            lr = np.where(d_last > reach[has], 0.0, lr)
            lr_pos[has] = lr
            dist[has] = d
            sigma[has] = np.sqrt(s2)

    lo = np.array([v.persons_lo for v in views])
    hi = np.array([v.persons_hi for v in views])
    lr_per = persons_lr(report.persons, lo, hi, p)
    tokens = description_tokens(report.description)
    lr_desc = np.array([description_lr(tokens, v.tokens) for v in views])

    weight = np.where(in_time, lr_pos * lr_per * lr_desc, 0.0)
    total = float(weight.sum()) + p.new_boat_weight
    prob = weight / total
    p_new = p.new_boat_weight / total

    order = np.argsort(-prob, kind="stable")[: p.max_candidates]
    candidates = tuple(
        Candidate(
            case_id=views[i].case_id,
            status=views[i].status,
            probability=float(prob[i]),
            distance_m=None if not math.isfinite(dist[i]) else float(dist[i]),
            sigma_m=None if not math.isfinite(sigma[i]) else float(sigma[i]),
            lr_position=float(lr_pos[i]),
            lr_persons=float(lr_per[i]),
            lr_description=float(lr_desc[i]),
        )
        for i in order
        if prob[i] > 0.0
    )
    best = candidates[0] if candidates else None
    if best is not None and best.probability >= p.same_threshold:
        verdict, case_id = Verdict.SAME, best.case_id
    elif best is not None and best.probability >= p.possible_threshold:
        verdict, case_id = Verdict.POSSIBLE, best.case_id
    else:
        verdict, case_id = Verdict.NEW, None
    plausible = tuple(c.case_id for c in candidates if c.probability >= p.possible_threshold)
    return CorrelationAdvice(
        report.report_id, verdict, case_id, float(p_new), candidates, plausible
    )
