"""Multi-target tracking: the picture of every vessel, AIS or not.

* :class:`Tracker` — the observation-level façade the server feeds (AIS positions and statics,
  radar plots, sightings) with UTC times and lat/lon; it keeps AIS vessels by MMSI, builds tracks
  of non-AIS contacts, correlates the two, classes each track and emits events.
* :class:`KinematicTracker` — the array core: NCV Kalman filters, kd-tree gating, GNN
  assignment, M-of-N confirmation, deletion after misses; metres and seconds in and out.
* :func:`ospa`, :func:`gospa`, :func:`metric_series` — tracking metrics.
"""

from __future__ import annotations

from channelwatch.track.ais import AisConfig, nominal_interval_s
from channelwatch.track.config import TrackerConfig
from channelwatch.track.errors import TrackError, TrackInputError
from channelwatch.track.kinds import TrackKind
from channelwatch.track.kinematic import KinematicTracker, StepResult
from channelwatch.track.metrics import Gospa, MetricSeries, gospa, metric_series, ospa
from channelwatch.track.tracker import PictureConfig, Tracker
from channelwatch.track.views import TrackView

__all__ = [
    "AisConfig",
    "Gospa",
    "KinematicTracker",
    "MetricSeries",
    "PictureConfig",
    "StepResult",
    "TrackError",
    "TrackInputError",
    "TrackKind",
    "TrackView",
    "Tracker",
    "TrackerConfig",
    "gospa",
    "metric_series",
    "nominal_interval_s",
    "ospa",
]
