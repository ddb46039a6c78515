"""Call correlation: the scores behave as a likelihood model should, on synthetic and real data."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from channelwatch.cases import CorrelationParams, Report, ReportKind, Verdict, correlate
from channelwatch.cases.correlate import (
    CaseView,
    Prediction,
    description_lr,
    description_tokens,
    persons_lr,
    predict_from_fixes,
)
from channelwatch.cases.model import Case
from channelwatch.geo import MS_PER_KN, destination, haversine_m

T0 = datetime(2021, 11, 24, 1, 0, tzinfo=UTC)
P = CorrelationParams()


def _case(case_id: str, *reports: Report) -> CaseView:
    case = Case(
        case_id=case_id,
        opened_at=reports[0].time,
        opened_by="FR/op",
        origin=reports[0].kind,
        centre="FR",
        reports=tuple(reports),
    )
    return CaseView.of(case)


def _call(
    rid: str,
    minutes: float,
    lat: float | None = 51.05,
    lon: float | None = 1.7,
    acc: float = 100.0,
    persons: int | None = 33,
    desc: str | None = None,
) -> Report:
    t = T0 + timedelta(minutes=minutes)
    if lat is None:
        return Report(rid, ReportKind.CALL, t, persons=persons, description=desc)
    return Report(rid, ReportKind.CALL, t, lat, lon, acc, persons, desc)


def test_no_case_means_a_new_boat() -> None:
    advice = correlate(_call("a", 0), [])
    assert advice.verdict is Verdict.NEW and advice.p_new == 1.0 and advice.candidates == ()


def test_a_second_call_from_the_same_place_is_the_same_boat() -> None:
    view = _case("C-1", _call("a", 0))
    advice = correlate(_call("b", 10, lat=51.051, lon=1.701), [view])
    assert advice.verdict is Verdict.SAME and advice.case_id == "C-1"
    assert advice.candidates[0].probability > 0.9


def test_out_of_reach_at_max_speed_is_excluded() -> None:
    view = _case("C-1", _call("a", 0, acc=50))
    # 10 minutes at 8 kn is 2.5 km; put the new call 6 km away (plus 3-sigma of 2 x 50 m).
    lat, lon = destination(51.05, 1.7, 90.0, 6000.0)
    advice = correlate(_call("b", 10, lat=float(lat), lon=float(lon), acc=50), [view])
    assert advice.verdict is Verdict.NEW and advice.candidates == ()


def test_a_call_between_two_boats_is_only_possible() -> None:
    a = _case("C-1", _call("a", 0, lat=51.05, lon=1.70, acc=100))
    b = _case("C-2", _call("b", 0, lat=51.05, lon=1.74, acc=100))
    # Half-way, poor accuracy, same count as both: it cannot be told apart.
    advice = correlate(_call("c", 15, lat=51.05, lon=1.72, acc=3000), [a, b])
    assert advice.verdict is Verdict.POSSIBLE
    assert set(advice.possibly_same_as) == {"C-1", "C-2"}


def test_counts_and_colours_separate_boats_at_the_same_place() -> None:
    a = _case("C-1", _call("a", 0, persons=15, desc="black inflatable"))
    b = _case("C-2", _call("b", 0, lat=51.051, persons=60, desc="grey inflatable"))
    advice = correlate(_call("c", 10, lat=51.0505, acc=2000, persons=60, desc="grey boat"), [a, b])
    assert advice.candidates[0].case_id == "C-2"
    probs = {c.case_id: c.probability for c in advice.candidates}
    assert probs["C-2"] > 5 * probs.get("C-1", 0.0)


def test_beyond_the_time_window_nothing_is_suggested() -> None:
    view = _case("C-1", _call("a", 0))
    advice = correlate(_call("b", 13 * 60), [view])
    assert advice.verdict is Verdict.NEW and advice.candidates == ()


def test_injected_track_prediction_is_used() -> None:
    view = _case("C-1", _call("a", 0))
    lat, lon = destination(51.05, 1.7, 0.0, 5000.0)
    report = _call("b", 60, lat=float(lat), lon=float(lon), acc=50)
    without = correlate(report, [view])
    with_track = correlate(
        report, [view], predictions={"C-1": Prediction(float(lat), float(lon), 200.0)}
    )
    assert with_track.candidates[0].distance_m is not None
    assert with_track.candidates[0].distance_m < 1.0
    assert with_track.candidates[0].probability > without.candidates[0].probability


def test_constant_velocity_fit_recovers_a_steady_track() -> None:
    # A boat at 4 kn on 300 degrees, fixed every 10 min with perfect positions.
    times = np.arange(0, 4) * 600.0
    pts = [destination(51.0, 1.8, 300.0, 4 * MS_PER_KN * t) for t in times]
    lat = np.array([float(p[0]) for p in pts])
    lon = np.array([float(p[1]) for p in pts])
    acc = np.full(4, 10.0)
    at = 2400.0  # 10 min after the last fix
    pred = predict_from_fixes(times, lat, lon, acc, at, P)
    true_lat, true_lon = destination(51.0, 1.8, 300.0, 4 * MS_PER_KN * at)
    assert haversine_m(pred.lat, pred.lon, true_lat, true_lon) < 15.0
    assert pred.sigma_m < 400.0


def test_prediction_uncertainty_is_capped() -> None:
    pred = predict_from_fixes(
        np.array([0.0]), np.array([51.0]), np.array([1.8]), np.array([50.0]), 20 * 3600.0, P
    )
    assert pred.sigma_m == P.max_sigma_m


def test_description_tokens_fold_french_colours() -> None:
    assert description_tokens("Bateau GRIS, moteur en panne") >= {"grey", "moteur", "panne"}
    assert description_lr(description_tokens("black dinghy"), description_tokens("grey dinghy")) < 1
    assert description_lr(frozenset(), description_tokens("grey")) == 1.0


@given(
    n=st.integers(1, 200),
    lo=st.integers(1, 200),
    width=st.integers(0, 50),
)
def test_persons_ratio_is_positive_and_largest_inside_the_range(
    n: int, lo: int, width: int
) -> None:
    hi = lo + width
    lr = persons_lr(n, np.array([float(lo)]), np.array([float(hi)]), P)[0]
    inside = persons_lr(lo, np.array([float(lo)]), np.array([float(hi)]), P)[0]
    assert P.persons_floor <= lr <= inside
    assert math.isfinite(lr)


@settings(max_examples=60, deadline=None)
@given(
    offsets=st.lists(st.tuples(st.floats(0, 359), st.floats(0, 20_000)), min_size=1, max_size=6),
    new_dist=st.floats(0, 20_000),
    minutes=st.floats(1, 300),
    persons=st.one_of(st.none(), st.integers(1, 80)),
)
def test_probabilities_are_a_distribution(
    offsets: list[tuple[float, float]], new_dist: float, minutes: float, persons: int | None
) -> None:
    views = []
    for i, (brg, dist) in enumerate(offsets):
        lat, lon = destination(51.05, 1.7, brg, dist)
        views.append(
            _case(f"C-{i}", _call(f"r{i}", 0, lat=float(lat), lon=float(lon), persons=30 + i))
        )
    lat, lon = destination(51.05, 1.7, 45.0, new_dist)
    advice = correlate(
        _call("new", minutes, lat=float(lat), lon=float(lon), acc=500, persons=persons), views
    )
    total = advice.p_new + sum(c.probability for c in advice.candidates)
    assert 0.0 < advice.p_new <= 1.0
    assert total <= 1.0 + 1e-9
    if len(views) <= P.max_candidates:
        # Every case with any weight is shown: with "a new boat" they cover all hypotheses.
        assert math.isclose(total, 1.0, rel_tol=1e-9)
    probs = [c.probability for c in advice.candidates]
    assert probs == sorted(probs, reverse=True)
    if advice.verdict is Verdict.SAME:
        assert probs[0] >= P.same_threshold


@settings(max_examples=60, deadline=None)
@given(d1=st.floats(0, 15_000), extra=st.floats(100, 15_000))
def test_further_away_is_never_more_likely(d1: float, extra: float) -> None:
    view = _case("C-1", _call("a", 0, acc=200))
    p = []
    for d in (d1, d1 + extra):
        lat, lon = destination(51.05, 1.7, 270.0, d)
        adv = correlate(_call("b", 30, lat=float(lat), lon=float(lon), acc=200), [view])
        p.append(adv.candidates[0].probability if adv.candidates else 0.0)
    assert p[1] <= p[0] + 1e-12
