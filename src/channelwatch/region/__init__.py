"""The operating area: land and coast, coastal strips, territorial seas, SAR regions, the traffic
separation scheme, rescue stations and beaches, with vectorised point queries.

A region is a data pack (``packs/<name>/region.yaml`` plus GeoJSON layers); see docs/region.md.
"""

from channelwatch.region.errors import (
    CoordinateError,
    RegionDataError,
    RegionError,
    UnknownRegionError,
)
from channelwatch.region.model import Region, load_region
from channelwatch.region.pack import available_packs
from channelwatch.region.records import Beach, Boat, SarRegion, Station, TssElement
from channelwatch.region.where import WhereResult

__all__ = [
    "Beach",
    "Boat",
    "CoordinateError",
    "Region",
    "RegionDataError",
    "RegionError",
    "SarRegion",
    "Station",
    "TssElement",
    "UnknownRegionError",
    "WhereResult",
    "available_packs",
    "load_region",
]
