"""Writing a plan out: a summary dict (for ``--json``), GeoJSON, and one GPX route per unit.

GeoJSON (RFC 7946, lon/lat WGS84) holds the probability grid (cells with POC, POD, POS and the
POC after an unsuccessful search), the datums (each scenario's and the mixture's), and for each
unit its assigned area (Polygon) and its route (LineString). GPX 1.1 files hold a ``<rte>``
of the pattern's waypoints.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from channelwatch.geo import METRES_PER_NM
from channelwatch.search.plan import Assignment
from channelwatch.search.service import SearchPlan

GPX_NS = "http://www.topografix.com/GPX/1/1"
CELL_MASS = 0.99  # cells written: the most probable ones holding this much of the map


def _lonlat(plan: SearchPlan, xy: Any) -> list[list[float]]:
    a = np.asarray(xy, float)
    lat, lon = plan.grid.projection.to_latlon(a[:, 0], a[:, 1])
    return [[round(float(o), 6), round(float(t), 6)] for o, t in zip(lon, lat, strict=True)]


def assignment_dict(plan: SearchPlan, a: Assignment) -> dict[str, Any]:
    lat, lon = plan.grid.projection.to_latlon(a.waypoints_xy[0, 0], a.waypoints_xy[0, 1])
    sw = plan.sweep_widths[a.unit_id]
    return {
        "unit": a.unit_id,
        "pattern": a.pattern,
        "sweep_width_nm": round(a.sweep_width_m / METRES_PER_NM, 3),
        "sweep_width": sw.to_dict(),
        "track_spacing_nm": round(a.track_spacing_m / METRES_PER_NM, 3),
        "track_length_nm": round(a.track_length_m / METRES_PER_NM, 2),
        "available_track_nm": round(a.available_track_m / METRES_PER_NM, 2),
        "duration_h": round(a.duration_s / 3600.0, 3),
        "area_nm2": round(a.area.area_m2 / METRES_PER_NM**2, 2),
        "coverage": round(a.coverage, 4),
        "pod": round(a.pod, 4),
        "poc": round(a.poc, 4),
        "pos": round(a.pos, 4),
        "commence_search_point": {"lat": round(float(lat), 6), "lon": round(float(lon), 6)},
        "waypoints": len(a.waypoints_xy),
    }


def plan_summary(plan: SearchPlan) -> dict[str, Any]:
    """Everything a coordinator needs to read the plan, JSON-able."""
    case = plan.case
    scenarios = []
    for k, (c, s) in enumerate(zip(plan.clouds, plan.scenario_summaries, strict=True)):
        scn = case.scenarios[k]
        x_m = getattr(getattr(scn, "lkp", None), "radius_m", None)
        d = s.to_dict()
        d.update(
            id=c.scenario_id,
            weight=round(plan.pmap.scenario_weights[k], 6),
            source=c.source,
            stranded_fraction=round(c.stranded_fraction, 4),
            iamsar=plan.iamsar(s, x_m),
        )
        scenarios.append(d)
    mixture = plan.mixture_summary.to_dict()
    mixture["iamsar"] = plan.iamsar(plan.mixture_summary, None)
    return {
        "case_id": case.case_id,
        "search_time": case.search_time.isoformat(),
        "search_object": case.search_object,
        "conditions": {
            "visibility_nm": case.conditions.visibility_nm,
            "wind_kn": case.conditions.wind_kn,
            "wave_height_m": case.conditions.wave_height_m,
        },
        "scenarios": scenarios,
        "mixture": mixture,
        "map": {
            "contained": round(plan.pmap.contained, 6),
            "land_mass_moved": round(plan.pmap.land_mass_moved, 6),
            "bandwidths_m": [round(b, 1) for b in plan.pmap.bandwidths_m],
            "grid": plan.grid.to_dict(),
        },
        "units": [assignment_dict(plan, a) for a in plan.result.assignments],
        **plan.result.to_dict(),
        "poc_left_in_map_if_unsuccessful": round(float(plan.result.p_after.sum()), 6),
        "notes": list(plan.notes),
    }


def plan_geojson(plan: SearchPlan, cell_mass: float = CELL_MASS) -> dict[str, Any]:
    """The plan as a GeoJSON FeatureCollection."""
    grid = plan.grid
    p = plan.pmap.p
    res = plan.result
    features: list[dict[str, Any]] = []
    order = np.argsort(-p.ravel())
    cum = np.cumsum(p.ravel()[order])
    n_cells = int(np.searchsorted(cum, cell_mass * cum[-1])) + 1 if cum[-1] > 0 else 0
    for flat in order[:n_cells]:
        iy, ix = divmod(int(flat), grid.nx)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [grid.cell_ring_lonlat(ix, iy)]},
                "properties": {
                    "kind": "cell",
                    "poc": float(p[iy, ix]),
                    "pod": round(float(res.pod_map[iy, ix]), 6),
                    "pos": float(p[iy, ix] * res.pod_map[iy, ix]),
                    "poc_after": float(res.p_after[iy, ix]),
                },
            }
        )
    summaries = [*zip(plan.pmap.scenario_ids, plan.scenario_summaries, strict=True)]
    summaries.append(("mixture", plan.mixture_summary))
    for sid, s in summaries:
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(s.datum_lon, 6), round(s.datum_lat, 6)],
                },
                "properties": {
                    "kind": "datum",
                    "scenario": sid,
                    "probable_error_m": round(s.probable_error_m, 1),
                    **plan.iamsar(s, None),
                },
            }
        )
    for a in res.assignments:
        props = assignment_dict(plan, a)
        props.pop("sweep_width")
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [_lonlat(plan, a.area.ring_xy())]},
                "properties": {"kind": "unit_area", **props},
            }
        )
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": _lonlat(plan, a.waypoints_xy)},
                "properties": {"kind": "route", "unit": a.unit_id, "pattern": a.pattern},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def gpx_route(plan: SearchPlan, a: Assignment, created: datetime | None = None) -> str:
    """One unit's route as a GPX 1.1 document."""
    ET.register_namespace("", GPX_NS)
    root = ET.Element(f"{{{GPX_NS}}}gpx", {"version": "1.1", "creator": "ChannelWatch"})
    meta = ET.SubElement(root, f"{{{GPX_NS}}}metadata")
    ET.SubElement(meta, f"{{{GPX_NS}}}name").text = f"{plan.case.case_id or 'search'} {a.unit_id}"
    ET.SubElement(meta, f"{{{GPX_NS}}}time").text = (created or plan.case.search_time).isoformat()
    rte = ET.SubElement(root, f"{{{GPX_NS}}}rte")
    ET.SubElement(rte, f"{{{GPX_NS}}}name").text = f"{a.unit_id} {a.pattern}"
    ET.SubElement(rte, f"{{{GPX_NS}}}desc").text = (
        f"{a.pattern} S={a.track_spacing_m / METRES_PER_NM:.2f} NM "
        f"L={a.track_length_m / METRES_PER_NM:.1f} NM C={a.coverage:.2f} POD={a.pod:.2f}"
    )
    lat, lon = plan.grid.projection.to_latlon(a.waypoints_xy[:, 0], a.waypoints_xy[:, 1])
    for k, (la, lo) in enumerate(zip(lat, lon, strict=True)):
        pt = ET.SubElement(rte, f"{{{GPX_NS}}}rtept", {"lat": f"{la:.6f}", "lon": f"{lo:.6f}"})
        ET.SubElement(pt, f"{{{GPX_NS}}}name").text = f"{'CSP' if k == 0 else f'WP{k:03d}'}"
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def safe_filename(unit_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", unit_id).strip("._") or "unit"


def write_outputs(plan: SearchPlan, geojson_path: Path | None, gpx_dir: Path | None) -> list[Path]:
    """Write the GeoJSON and the GPX files; returns the paths written."""
    import json

    written: list[Path] = []
    if geojson_path is not None:
        geojson_path.parent.mkdir(parents=True, exist_ok=True)
        geojson_path.write_text(json.dumps(plan_geojson(plan)))
        written.append(geojson_path)
    if gpx_dir is not None:
        gpx_dir.mkdir(parents=True, exist_ok=True)
        for a in plan.result.assignments:
            path = gpx_dir / f"{safe_filename(a.unit_id)}.gpx"
            path.write_text(gpx_route(plan, a))
            written.append(path)
    return written
