"""What the picture shows of a track: one frozen record per track, JSON-ready."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from channelwatch.track.kinds import TrackKind


@dataclass(frozen=True, slots=True)
class TrackView:
    """A track as the operators see it, at the time the picture was taken."""

    track_id: str  # "AIS-<mmsi>" for AIS vessels, "T-<n>" for tracks built from contacts
    kind: TrackKind
    lat: float
    lon: float
    sog_kn: float
    cog_deg: float | None  # None when the vessel is (nearly) still
    position_sigma_m: float  # 1-sigma major axis of the position error ellipse
    quality: float  # 0..1: share of recent scans with a hit (contacts), report regularity (AIS)
    last_update: datetime
    trail: tuple[tuple[datetime, float, float], ...]  # recent (time, lat, lon), oldest first
    confirmed: bool = True
    mmsi: int | None = None  # the vessel's own MMSI (AIS tracks)
    correlated_mmsi: int | None = None  # the AIS vessel a contact track was found to be
    persons_estimate: int | None = None
    sensors: tuple[str, ...] = ()
    name: str | None = None  # AIS vessel name (a ship's name, not a person's)
    ship_type: int | None = None
    length_m: float | None = None

    def to_dict(
        self, times: dict[datetime, str] | None = None, trail_from: int = 0
    ) -> dict[str, Any]:
        """JSON-ready; ``times`` is a cache of ISO strings that the views of one picture may
        share (their trails hold the same few instants). The trail from its point
        ``trail_from`` on (all of it by default)."""
        if times is None:
            times = {}
        trail = []
        for t, la, lo in self.trail[trail_from:]:
            text = times.get(t)
            if text is None:
                text = times[t] = t.isoformat()
            trail.append([text, la, lo])
        return {
            "track_id": self.track_id,
            "kind": str(self.kind),
            "lat": self.lat,
            "lon": self.lon,
            "sog_kn": self.sog_kn,
            "cog_deg": self.cog_deg,
            "position_sigma_m": self.position_sigma_m,
            "quality": self.quality,
            "last_update": self.last_update.isoformat(),
            "trail": trail,
            "confirmed": self.confirmed,
            "mmsi": self.mmsi,
            "correlated_mmsi": self.correlated_mmsi,
            "persons_estimate": self.persons_estimate,
            "sensors": list(self.sensors),
            "name": self.name,
            "ship_type": self.ship_type,
            "length_m": self.length_m,
        }
