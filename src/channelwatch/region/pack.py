"""Region packs: a folder holding ``region.yaml`` and the GeoJSON layers it names.

Packs shipped with ChannelWatch live in ``channelwatch/region/packs/<name>/``; a user's own
pack is given by path (or found in the folders of ``CHANNELWATCH_REGION_PATH``). This module
reads files and turns them into shapely geometries and typed records; it holds no query logic.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from channelwatch.region.errors import RegionDataError, UnknownRegionError
from channelwatch.region.records import Beach, Boat, SarRegion, Station, TssElement

PACKS_DIR = Path(__file__).parent / "packs"
DEFAULT_REGION = "dover_strait"
REQUIRED_LAYERS = ("land", "countries", "territorial_sea", "sar", "tss", "stations", "beaches")
_UNVERIFIED_WORDS = ("not verified", "unverified", "verify", "not found")


@dataclass(frozen=True, slots=True)
class PackInfo:
    """What ``region.yaml`` says about a region."""

    name: str
    title: str
    version: int
    root: Path
    bbox: tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max
    cell_deg: tuple[float, float]  # lon, lat
    near_coast_m: float
    strip_countries: tuple[str, ...]
    strip_widths_m: tuple[float, ...]
    sar_centres: dict[str, str]
    layers: dict[str, str]
    attribution: str

    def path(self, layer: str) -> Path:
        return self.root / self.layers[layer]

    def digest(self) -> str:
        """SHA-256 over region.yaml and every layer file: the pack's identity for caches."""
        h = hashlib.sha256()
        for p in [self.root / "region.yaml", *(self.path(k) for k in sorted(self.layers))]:
            h.update(p.name.encode())
            h.update(p.read_bytes())
        return h.hexdigest()


def available_packs() -> list[str]:
    """Names of the packs shipped with ChannelWatch and those on CHANNELWATCH_REGION_PATH."""
    names = {p.parent.name for p in PACKS_DIR.glob("*/region.yaml")}
    for d in _search_path():
        names |= {p.parent.name for p in d.glob("*/region.yaml")}
    return sorted(names)


def _search_path() -> list[Path]:
    env = os.environ.get("CHANNELWATCH_REGION_PATH", "")
    return [Path(p) for p in env.split(os.pathsep) if p]


def resolve_pack(name_or_path: str | os.PathLike[str] | None) -> Path:
    """The folder of a pack given by name (shipped or on the search path) or by path."""
    key = str(name_or_path) if name_or_path is not None else DEFAULT_REGION
    direct = Path(key)
    if (direct / "region.yaml").is_file():
        return direct
    for base in [*_search_path(), PACKS_DIR]:
        if (base / key / "region.yaml").is_file():
            return base / key
    raise UnknownRegionError(
        f"unknown region {key!r}: no region.yaml there; available: {', '.join(available_packs())}"
    )


def read_pack_info(root: Path) -> PackInfo:
    try:
        doc = yaml.safe_load((root / "region.yaml").read_text(encoding="utf-8"))
        layers = {str(k): str(v) for k, v in doc["layers"].items()}
        missing = [k for k in REQUIRED_LAYERS if k not in layers]
        if missing:
            raise RegionDataError(f"{root}/region.yaml: layers missing: {', '.join(missing)}")
        for k, v in layers.items():
            if not (root / v).is_file():
                raise RegionDataError(f"{root}/region.yaml: layer {k} file {v} not found")
        bbox = tuple(float(x) for x in doc["bbox"])
        cell = tuple(float(x) for x in doc["grid_cell_deg"])
        if len(bbox) != 4 or len(cell) != 2 or bbox[0] >= bbox[2] or bbox[1] >= bbox[3]:
            raise RegionDataError(f"{root}/region.yaml: bad bbox or grid_cell_deg")
        strips = doc.get("strips", {}) or {}
        return PackInfo(
            name=str(doc["name"]),
            title=str(doc.get("title", doc["name"])),
            version=int(doc.get("version", 1)),
            root=root,
            bbox=(bbox[0], bbox[1], bbox[2], bbox[3]),
            cell_deg=(cell[0], cell[1]),
            near_coast_m=float(doc.get("near_coast_m", 1000.0)),
            strip_countries=tuple(str(c) for c in strips.get("countries", [])),
            strip_widths_m=tuple(float(w) for w in strips.get("widths_m", [])),
            sar_centres={str(k): str(v) for k, v in (doc.get("sar_centres") or {}).items()},
            layers=layers,
            attribution=str(doc.get("attribution", "")),
        )
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise RegionDataError(f"{root}/region.yaml is malformed: {exc}") from exc


def read_features(path: Path) -> list[dict[str, Any]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        feats = doc["features"]
    except (OSError, ValueError, KeyError) as exc:
        raise RegionDataError(f"{path}: not a GeoJSON FeatureCollection: {exc}") from exc
    return list(feats)


def _verified(props: dict[str, Any]) -> bool:
    text = " ".join(str(props.get(k, "")) for k in ("note", "coord_quality")).lower()
    return not any(w in text for w in _UNVERIFIED_WORDS)


def read_stations(path: Path) -> tuple[Station, ...]:
    out = []
    for f in read_features(path):
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"][:2]
        boats = tuple(
            Boat(
                cls=str(b.get("class", "")),
                type=str(b.get("type", "")),
                max_speed_kn=float(b["max_speed_kn"]) if b.get("max_speed_kn") else None,
            )
            for b in p.get("boats", [])
        )
        out.append(
            Station(
                name=str(p["name"]),
                country=str(p["country"]),
                kind=str(p["kind"]),
                operator=p.get("operator"),
                lat=float(lat),
                lon=float(lon),
                boats=boats,
                verified=_verified(p),
                coord_quality=str(p.get("coord_quality", "")),
                source=str(p.get("source", "")),
                note=p.get("note"),
            )
        )
    return tuple(out)


def read_beaches(path: Path) -> tuple[Beach, ...]:
    out = []
    for f in read_features(path):
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"][:2]
        out.append(
            Beach(
                name=str(p["name"]),
                country=str(p["country"]),
                role=str(p["role"]),
                lat=float(lat),
                lon=float(lon),
                evidence=str(p.get("evidence", "")),
                source=str(p.get("source", "")),
            )
        )
    return tuple(out)


def tss_element(props: dict[str, Any]) -> TssElement:
    d = props.get("direction_deg")
    return TssElement(
        element=str(props["element"]),
        name=str(props.get("name", "")),
        direction_deg=float(d) if d is not None else None,
        approximate=bool(props.get("approximate", False)),
        official=bool(props.get("official", False)),
    )


def sar_region(props: dict[str, Any], centres: dict[str, str]) -> SarRegion:
    code = str(props["country"])
    return SarRegion(
        code=code,
        centre=centres.get(code, str(props.get("centre", ""))),
        published=bool(props.get("published", False)),
        derivation=str(props.get("derivation", "")),
    )
