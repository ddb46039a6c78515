"""Drift runs and search plans on demand for a case, kept as documents (and recorded)."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, status

from channelwatch.api.deps import Internal, Planner, ServicesDep
from channelwatch.api.errors import ApiInputError, NotFoundApiError
from channelwatch.api.live.projection import DRIFT_EVENT, SEARCH_PLAN_EVENT, parse_iso
from channelwatch.api.schemas import DocumentOut, DriftIn, Page, SearchPlanIn
from channelwatch.store import DocumentRecord

router = APIRouter(prefix="/api", tags=["planning"])

STEP_MIN = 15  # the drift model's time step
MAX_SEARCH_PARTICLES = 20_000
MAX_SEARCH_RADIUS_M = 50_000.0


def _document(doc: DocumentRecord, *, body: bool = True) -> DocumentOut:
    return DocumentOut(
        doc_id=doc.doc_id,
        kind=doc.kind,
        case_id=doc.case_id,
        created_at=doc.created_at,
        created_by=doc.created_by,
        ledger_index=doc.ledger_index,
        summary=dict(doc.summary),
        geojson=dict(doc.body.get("geojson") or {}) if body else None,
    )


def _last_fix(case: dict[str, Any]) -> tuple[float, float, Any] | None:
    fixes = [r for r in case.get("reports", ()) if r.get("lat") is not None]
    if not fixes:
        return None
    r = max(fixes, key=lambda r: r["time"])
    return float(r["lat"]), float(r["lon"]), parse_iso(r["time"])


@router.post(
    "/cases/{case_id}/drift", status_code=status.HTTP_201_CREATED, response_model=DocumentOut
)
async def drift(case_id: str, body: DriftIn, principal: Planner, services: ServicesDep) -> Any:
    """Run the leeway model from the case's last fix (or the position given) and keep the
    resulting cloud (hull, density regions, centroid) as a document of the case."""
    case = services.ops.case_dict(case_id)
    fix = _last_fix(case)
    lat = body.lat if body.lat is not None else (fix[0] if fix else None)
    lon = body.lon if body.lon is not None else (fix[1] if fix else None)
    start = body.time or (fix[2] if fix else None)
    if lat is None or lon is None or start is None:
        raise ApiInputError("the case has no positioned report: give lat, lon and time")
    steps = max(1, round(body.hours * 60 / STEP_MIN))
    duration = timedelta(minutes=STEP_MIN * steps)
    settings = services.settings
    region = services.region

    def run() -> tuple[dict[str, Any], dict[str, Any]]:
        import numpy as np

        from channelwatch.drift import Forcing, GridReader, cloud_stats, run_leeway
        from channelwatch.drift.geojson import cloud_geojson

        wind = [GridReader(settings.forcing_wind)] if settings.forcing_wind else []
        current = [GridReader(settings.forcing_current)] if settings.forcing_current else []
        forcing = Forcing.build(
            wind=wind,
            current=current,
            wind_fallback_ms=body.wind_ms or (0.0, 0.0),
            current_fallback_ms=body.current_ms or (0.0, 0.0),
        )
        land = None
        if region is not None:
            from channelwatch.drift.land import region_land_test

            land = region_land_test(region)
        result = run_leeway(
            forcing,
            body.object_class,
            lat,
            lon,
            start,
            duration,
            rng=np.random.default_rng(body.seed),
            n_particles=body.particles,
            radius_m=body.radius_m,
            output_step=None,
            land=land,
        )
        f_lat, f_lon = result.cloud()
        stats = cloud_stats(f_lat, f_lon)
        props = {"case_id": case_id, "object_class": body.object_class}
        summary = {
            "object_class": body.object_class,
            "start": {"lat": lat, "lon": lon, "time": start.isoformat()},
            "end_time": (start + duration).isoformat(),
            "hours": steps * STEP_MIN / 60.0,
            "particles": body.particles,
            "seed": body.seed,
            "counts": result.counts(),
            "stats": stats.to_dict(),
            "forcing": {
                "wind": str(settings.forcing_wind) if settings.forcing_wind else None,
                "current": str(settings.forcing_current) if settings.forcing_current else None,
                "wind_fallback_ms": list(body.wind_ms) if body.wind_ms else [0.0, 0.0],
                "current_fallback_ms": list(body.current_ms) if body.current_ms else [0.0, 0.0],
            },
        }
        geo = cloud_geojson(f_lat, f_lon, properties=props, stats=stats)
        return summary, {"geojson": geo}

    summary, doc_body = await services.ops.run_planning(run)
    doc = await services.ops.record_document(DRIFT_EVENT, case_id, principal.tag, summary, doc_body)
    return _document(doc)


def _check_search_case(doc: dict[str, Any]) -> dict[str, Any]:
    scenarios = doc.get("scenarios")
    if not isinstance(scenarios, list) or not scenarios:
        raise ApiInputError("case.scenarios must be a non-empty list")
    for k, s in enumerate(scenarios):
        if not isinstance(s, dict) or s.get("kind") != "gaussian":
            raise ApiInputError(
                f"case.scenarios[{k}]: only 'gaussian' scenarios are accepted over the API "
                "(files on the server are not readable through it)"
            )
        n = s.get("particles", 20000)
        if not isinstance(n, int) or n > MAX_SEARCH_PARTICLES:
            raise ApiInputError(
                f"case.scenarios[{k}].particles must be at most {MAX_SEARCH_PARTICLES}, got {n!r}"
            )
        lkp = s.get("lkp")
        r = lkp.get("radius_m", 0) if isinstance(lkp, dict) else 0
        if isinstance(r, int | float) and (not math.isfinite(r) or r > MAX_SEARCH_RADIUS_M):
            raise ApiInputError(
                f"case.scenarios[{k}].lkp.radius_m must be at most {MAX_SEARCH_RADIUS_M:g}"
            )
    return doc


@router.post(
    "/cases/{case_id}/search-plans",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentOut,
)
async def search_plan(
    case_id: str, body: SearchPlanIn, principal: Planner, services: ServicesDep
) -> Any:
    """A search plan (datum, probability map, areas and patterns per unit, POS) for the case;
    the formats are those of ``channelwatch search-plan`` (docs/search.md)."""
    services.ops.case_dict(case_id)
    case_doc = _check_search_case(dict(body.case))
    region = services.region

    def run() -> tuple[dict[str, Any], dict[str, Any]]:
        import numpy as np

        from channelwatch.search.case import case_from_dict, units_from_dict
        from channelwatch.search.export import plan_geojson, plan_summary
        from channelwatch.search.service import make_plan

        case = case_from_dict(case_doc, Path("."), source="case")
        units = units_from_dict({"units": body.units}, source="units")
        land_fn: Any = False
        if region is not None:

            def land_fn(lat: Any, lon: Any) -> Any:
                flat = region.on_land(np.ravel(lat), np.ravel(lon))
                return np.asarray(flat, bool).reshape(np.shape(lat))

        plan = make_plan(
            case, units, rng=np.random.default_rng(body.seed), grid_m=body.grid_m, land_fn=land_fn
        )
        return plan_summary(plan), {"geojson": plan_geojson(plan)}

    summary, doc_body = await services.ops.run_planning(run)
    doc = await services.ops.record_document(
        SEARCH_PLAN_EVENT, case_id, principal.tag, summary, doc_body
    )
    return _document(doc)


@router.get("/cases/{case_id}/documents", response_model=Page)
def case_documents(
    case_id: str,
    _: Internal,
    services: ServicesDep,
    kind: str | None = Query(None, pattern="^(drift_run|search_plan)$"),
) -> Page:
    services.ops.case_dict(case_id)
    docs = services.store.list_documents(case_id=case_id, kind=kind)
    return Page(items=[_document(d, body=False).model_dump(mode="json") for d in docs], next=None)


@router.get("/documents/{doc_id}", response_model=DocumentOut)
def get_document(doc_id: str, _: Internal, services: ServicesDep) -> Any:
    doc = services.store.get_document(doc_id)
    if doc is None:
        raise NotFoundApiError(f"no document {doc_id!r}")
    return _document(doc)
