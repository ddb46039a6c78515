"""Search planning (IAMSAR Vol. II): datum and probable error of the drift ensemble, the
probability map of weighted scenarios, sweep widths and probability of detection, effort
allocation across units, the IAMSAR patterns as waypoints, and the Bayesian update after an
unsuccessful search. See docs/search.md.

The cores take numbers and numpy arrays (particle clouds as lat, lon, weight); the command
``channelwatch search-plan`` wires in the drift model and the files.
"""

from __future__ import annotations

from channelwatch.search.allocation import (
    greedy_allocation,
    optimal_coverage_exponential,
    pos_of_allocation,
)
from channelwatch.search.bayes import bayes_update, probability_of_success
from channelwatch.search.datum import (
    CloudSummary,
    safety_factor,
    search_radius_m,
    summarise_cloud,
    total_probable_error_m,
)
from channelwatch.search.detection import (
    coverage_factor,
    coverage_for_pod,
    pod,
    pod_exponential,
    pod_inverse_cube,
)
from channelwatch.search.errors import SearchError, SearchInputError
from channelwatch.search.grid import SearchGrid, grid_covering
from channelwatch.search.patterns import (
    expanding_square,
    parallel_sweep,
    sector_search,
    track_length_m,
)
from channelwatch.search.plan import PlanResult, UnitCapability, plan_units
from channelwatch.search.probability_map import ProbabilityMap, build_probability_map
from channelwatch.search.scenario import Cloud
from channelwatch.search.sweep_width import Conditions, SweepWidth, sweep_width

__all__ = [
    "Cloud",
    "CloudSummary",
    "Conditions",
    "PlanResult",
    "ProbabilityMap",
    "SearchError",
    "SearchGrid",
    "SearchInputError",
    "SweepWidth",
    "UnitCapability",
    "bayes_update",
    "build_probability_map",
    "coverage_factor",
    "coverage_for_pod",
    "expanding_square",
    "greedy_allocation",
    "grid_covering",
    "optimal_coverage_exponential",
    "parallel_sweep",
    "plan_units",
    "pod",
    "pod_exponential",
    "pod_inverse_cube",
    "pos_of_allocation",
    "probability_of_success",
    "safety_factor",
    "search_radius_m",
    "sector_search",
    "summarise_cloud",
    "sweep_width",
    "total_probable_error_m",
    "track_length_m",
]
