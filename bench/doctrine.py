"""Benchmark: the sun's elevation beside OpenDrift's, and the doctrine engine's throughput.

Run with the bench environment (OpenDrift is installed only there):

    .venv-bench/bin/python bench/doctrine.py [--n 200000] [--evals 2000] [--json]

1. Solar elevation, anchor OpenDrift 1.14.12 (``opendrift.models.physics_methods.
   solar_elevation``), on the same N random times (2020-2026) and positions over the Dover
   Strait. Each takes its natural input: OpenDrift a list of ``datetime``, ChannelWatch an array
   of Unix seconds (the conversion is timed separately and reported). Agreement is the
   difference in degrees, overall and near the horizon (|elevation| < 10°), where daylight is
   decided; a reference within 1 minute of time of published sunrise tables is ours (NOAA).
2. Doctrine: evaluations of every action (``evaluate_all``) per second under each policy on
   generated situations. There is no anchor for this (no public doctrine engine exists), so it
   is ours alone.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np


def bench_solar(n: int, rng: np.random.Generator) -> dict[str, Any]:
    from opendrift.models.physics_methods import solar_elevation as od_solar_elevation

    from channelwatch.assess.solar import sun_elevation_deg

    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    seconds = rng.uniform(0, 6 * 365.25 * 86400, n)
    lat = rng.uniform(50.5, 51.5, n)
    lon = rng.uniform(0.8, 2.6, n)
    times = [t0 + timedelta(seconds=float(s)) for s in seconds]

    start = time.perf_counter()
    theirs = np.asarray(od_solar_elevation(times, lon, lat), dtype=float)
    t_theirs = time.perf_counter() - start

    start = time.perf_counter()
    unix = np.array([t.timestamp() for t in times])
    t_convert = time.perf_counter() - start
    start = time.perf_counter()
    ours = sun_elevation_deg(unix, lat, lon)
    t_ours = time.perf_counter() - start

    diff = np.abs(ours - theirs)
    horizon = np.abs(ours) < 10.0
    return {
        "n": n,
        "opendrift_s": t_theirs,
        "ours_s": t_ours,
        "ours_with_datetime_conversion_s": t_ours + t_convert,
        "ratio_opendrift_over_ours": t_theirs / t_ours,
        "ratio_including_conversion": t_theirs / (t_ours + t_convert),
        "max_abs_diff_deg": float(diff.max()),
        "median_abs_diff_deg": float(np.median(diff)),
        "horizon_max_abs_diff_deg": float(diff[horizon].max()),
        "daylight_disagreement_fraction": float(np.mean((ours > -6.0) != (theirs > -6.0))),
    }


def bench_doctrine(evals: int, rng: np.random.Generator) -> dict[str, Any]:
    from channelwatch.assess import assess
    from channelwatch.assess.facts import Boarding, BoatFacts, BoatKind, Environment, Lifejackets
    from channelwatch.assess.place import Place, daylight_facts
    from channelwatch.doctrine import build_facts, default_library, evaluate_all
    from channelwatch.ingest.observation import EngineState

    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    facts = []
    start = time.perf_counter()
    for _ in range(evals):
        when = t0 + timedelta(minutes=int(rng.integers(0, 365 * 24 * 60)))
        lat, lon = float(rng.uniform(50.7, 51.1)), float(rng.uniform(1.5, 2.5))
        elevation, daylight, _ = daylight_facts(when, lat, lon, None)
        dist = float(rng.uniform(0, 3000))
        where = Place(
            lat,
            lon,
            elevation,
            daylight,
            on_land=False,
            in_region=True,
            distance_to_coast_m=dist,
            coast_country="FR",
            in_strip_200m=dist <= 200,
            in_strip_300m=dist <= 300,
            territorial_sea="FR",
            sar_region="FR",
        )
        boat = BoatFacts(
            kind=BoatKind.INFLATABLE,
            length_m=float(rng.uniform(7, 12)),
            persons_aboard=int(rng.integers(0, 80)),
            boarding=Boarding(rng.choice(["empty", "boarding", "loaded", "unknown"])),
            engine=EngineState(rng.choice(["running", "failed", "unknown"])),
            lifejackets=Lifejackets(rng.choice(["all", "some", "none", "unknown"])),
        )
        env = Environment(
            wind_kn=float(rng.uniform(0, 30)),
            wave_m=float(rng.uniform(0, 3)),
            water_temp_c=float(rng.uniform(6, 18)),
        )
        a = assess(boat, env, where, time=when, request_for_assistance=False)
        facts.append(build_facts(boat, env, where, a, request_for_assistance=False))
    t_assess = time.perf_counter() - start

    lib = default_library()
    out: dict[str, Any] = {"situations": evals, "assess_per_s": evals / t_assess}
    for name in lib.names():
        doctrine = lib.doctrine(name)
        start = time.perf_counter()
        for f in facts:
            evaluate_all(doctrine, f)
        out[f"evaluate_all_per_s[{name}]"] = evals / (time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="solar positions")
    parser.add_argument("--evals", type=int, default=2000, help="doctrine situations")
    parser.add_argument("--seed", type=int, default=20251127)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    solar = bench_solar(args.n, rng)
    doctrine = bench_doctrine(args.evals, rng)
    if args.json:
        print(json.dumps({"solar": solar, "doctrine": doctrine}, indent=1))
        return
    print(f"Solar elevation, {solar['n']:,} times x positions (Dover Strait, 2020-2026)")
    print(f"  OpenDrift 1.14.12 solar_elevation : {solar['opendrift_s']:.3f} s")
    print(
        f"  ChannelWatch sun_elevation_deg    : {solar['ours_s']:.3f} s "
        f"({solar['ours_with_datetime_conversion_s']:.3f} s with datetime -> Unix conversion)"
    )
    print(
        f"  ratio OpenDrift/ours              : {solar['ratio_opendrift_over_ours']:.1f}x "
        f"({solar['ratio_including_conversion']:.1f}x including the conversion)"
    )
    print(
        f"  agreement: median {solar['median_abs_diff_deg']:.3f}°, max "
        f"{solar['max_abs_diff_deg']:.3f}°, max near the horizon "
        f"{solar['horizon_max_abs_diff_deg']:.3f}°; daylight (civil twilight) differs for "
        f"{100 * solar['daylight_disagreement_fraction']:.3f}% of cases"
    )
    print(f"\nDoctrine (no anchor exists): {doctrine['situations']} generated situations")
    print(f"  assess + build facts              : {doctrine['assess_per_s']:,.0f} /s")
    for key, value in doctrine.items():
        if key.startswith("evaluate_all_per_s"):
            print(f"  {key:34s}: {value:,.0f} /s (7 actions each)")


if __name__ == "__main__":
    main()
