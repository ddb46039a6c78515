"""The land test for stranding, from the region model (an edge: the core only takes a callable).

The region model answers ``on_land`` only inside its area (the Dover Strait pack by default) and
False outside it, so outside the region particles are never stranded: a run elsewhere (the
Norwegian benchmark, say) drifts over land as if stranding were off.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from channelwatch.drift.errors import DriftError
from channelwatch.drift.simulate import LandTest


def region_land_test(region: Any | None = None) -> LandTest:
    """A :class:`LandTest` from ``region`` (default: ``channelwatch.region.load_region()``)."""
    if region is None:
        try:
            from channelwatch.region import load_region
        except ImportError as exc:  # pragma: no cover - the region package ships with us
            raise DriftError(f"stranding needs the region model: {exc}") from None
        region = load_region()

    def on_land(lat: Any, lon: Any) -> Any:
        flat = region.on_land(np.ravel(lat), np.ravel(lon))
        return np.asarray(flat, dtype=bool).reshape(np.shape(lat))

    return on_land
