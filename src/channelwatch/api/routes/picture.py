"""The shared picture: clock, region, tracks, contacts, alerts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse

from channelwatch.api.auth.principal import Principal
from channelwatch.api.deps import Acknowledger, Reader, Reporter, Services, ServicesDep
from channelwatch.api.errors import ApiInputError, NotFoundApiError
from channelwatch.api.layers import layer_bytes, region_info
from channelwatch.api.live.service import Submitted, alert_dict, contact_dict
from channelwatch.api.schemas import (
    AcceptedOut,
    AckOut,
    BatchIn,
    ContactOrCall,
    Page,
)
from channelwatch.events import Event
from channelwatch.ingest.observation import DistressCall, Observation
from channelwatch.store import BBox, TrackAt

router = APIRouter(prefix="/api", tags=["picture"])

Limit = Annotated[int, Query(ge=1, le=1000)]
Cursor = Annotated[int | None, Query(ge=0, le=2**62)]
BBoxQ = Annotated[str | None, Query(max_length=200, description="lon0,lat0,lon1,lat1")]


def _bbox(text: str | None) -> BBox | None:
    return None if text is None else BBox.parse(text)


@router.get("/clock")
def clock(_: Reader, services: ServicesDep) -> dict[str, Any]:
    """The time the picture and alerts use (scenario time during a replay)."""
    return services.ops.clock.to_dict()


@router.get("/region")
def region(_: Reader, services: ServicesDep) -> dict[str, Any]:
    """The operating area: box, SAR centres and the layers the page can draw."""
    return region_info(services.region)


@router.get("/region/layers/{name}")
async def region_layer(name: str, request: Request, _: Reader, services: ServicesDep) -> Response:
    """One layer as GeoJSON (lon/lat), cacheable."""
    body, etag = await asyncio.to_thread(layer_bytes, services.region, name)
    headers = {"ETag": etag, "Cache-Control": "private, max-age=3600"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/geo+json", headers=headers)


@router.get("/region/where")
def where(
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    _: Reader,
    services: ServicesDep,
) -> dict[str, Any]:
    """Everything the region model knows about one point."""
    if services.region is None:
        raise NotFoundApiError("no region model is loaded")
    result: dict[str, Any] = services.region.where(lat, lon).to_dict()
    return result


def _track_filter(t: dict[str, Any], bbox: BBox | None, kind: str | None) -> bool:
    if kind is not None and t["kind"] != kind:
        return False
    if bbox is not None:
        return bool(bbox.lon0 <= t["lon"] <= bbox.lon1 and bbox.lat0 <= t["lat"] <= bbox.lat1)
    return True


# What the stored record says of a track that does not change along its history (an AIS
# vessel's identity); everything else of a past picture is the point's or unknown (null).
_IDENTITY = ("mmsi", "name", "ship_type", "length_m")
# how far back a past picture's trails reach (the live picture's trails are about as long)
PAST_TRAIL_S = 600.0


def past_track(item: TrackAt, sar_region: str | None) -> dict[str, Any]:
    """One track of a past picture, in the shape of the live picture's tracks."""
    p, body = item.point, item.track.body
    return {
        "track_id": p.track_id,
        "kind": item.track.kind,
        "lat": p.lat,
        "lon": p.lon,
        "sog_kn": p.sog_kn,
        "cog_deg": p.cog_deg,
        "position_sigma_m": None,
        "quality": None,
        "last_update": p.time.isoformat(),
        "trail": [[q.time.isoformat(), q.lat, q.lon] for q in item.trail],
        "confirmed": None,
        "correlated_mmsi": None,
        "persons_estimate": None,
        "sensors": None,
        **{k: body.get(k) for k in _IDENTITY},
        "sar_region": sar_region,
        "case_id": None,
    }


def _past_picture(
    services: Services, at: datetime, max_age_s: float, box: BBox | None, kind: str | None
) -> dict[str, Any]:
    found = services.store.tracks_at(
        at, max_age_s=max_age_s, trail_s=PAST_TRAIL_S, kind=kind, bbox=box
    )
    regions: list[str | None] = [None] * len(found)
    if services.region is not None and found:
        import numpy as np

        raw = services.region.sar_region(
            np.array([f.point.lat for f in found]), np.array([f.point.lon for f in found])
        )
        regions = [None if r is None else str(r) for r in np.asarray(raw, dtype=object)]
    return {
        "time": at.isoformat(),
        "items": [past_track(f, r) for f, r in zip(found, regions, strict=True)],
    }


@router.get("/tracks")
async def tracks(
    _: Reader,
    services: ServicesDep,
    bbox: BBoxQ = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    at: Annotated[
        datetime | None,
        Query(description="the picture at this past time (ISO 8601 with a UTC offset)"),
    ] = None,
    max_age_s: Annotated[
        float, Query(gt=0, le=3600, description="with at: tracks seen this long before it")
    ] = 120.0,
) -> dict[str, Any]:
    """The current picture (as of the last snapshot, about once a second), or with ``at`` the
    picture at that time from the stored history: each track's latest point in
    ``(at - max_age_s, at]`` with its trail (fields the history does not keep are null)."""
    box = _bbox(bbox)
    if at is not None:
        if at.tzinfo is None:
            raise ApiInputError(f"at must carry a UTC offset, got {at.isoformat()!r}")
        return await asyncio.to_thread(
            _past_picture, services, at.astimezone(UTC), max_age_s, box, kind
        )
    time, items = services.ops.picture()
    return {
        "time": time.isoformat() if time else None,
        "items": [t for t in items if _track_filter(t, box, kind)],
    }


@router.get("/tracks/{track_id}")
def track(track_id: str, _: Reader, services: ServicesDep) -> dict[str, Any]:
    for t in services.ops.picture()[1]:
        if t["track_id"] == track_id:
            return t
    rec = services.store.get_track(track_id)
    if rec is None:
        raise NotFoundApiError(f"no track {track_id!r}")
    return dict(rec.body, active=rec.active)


@router.get("/tracks/{track_id}/history")
def track_history(
    track_id: str,
    _: Reader,
    services: ServicesDep,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Limit = 1000,
) -> dict[str, Any]:
    for t, name in ((since, "since"), (until, "until")):
        if t is not None and t.tzinfo is None:
            raise ApiInputError(f"{name} must carry a UTC offset, got {t.isoformat()!r}")
    points = services.store.track_history(track_id, since=since, until=until, limit=limit)
    return {
        "track_id": track_id,
        "points": [
            {
                "time": p.time.isoformat(),
                "lat": p.lat,
                "lon": p.lon,
                "sog_kn": p.sog_kn,
                "cog_deg": p.cog_deg,
            }
            for p in points
        ],
    }


def accepted_body(
    submitted: Submitted, rejected: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The 202 answer's body, built directly: this is the hot path, and the shape is
    AcceptedOut's (the routes declare it for the OpenAPI description)."""
    return {
        "accepted": len(submitted.committed.indices),
        "ledger_indices": list(submitted.committed.indices),
        "contact_ids": [c["id"] for c in submitted.contacts],
        "rejected": rejected or [],
        "suggestions": list(submitted.suggestions),
    }


NOTHING_ACCEPTED: dict[str, Any] = {
    "accepted": 0,
    "ledger_indices": [],
    "contact_ids": [],
    "suggestions": [],
}


async def accept(
    services: Services, principal: Principal, observations: list[Observation], *, sweeps: bool
) -> Submitted:
    """Record accepted reports as the principal; a call is scored for the operator's case book
    (as the operator, for centre staff). ``sweeps``: see :meth:`Operations.submit`."""
    case_actor = None
    if principal.role.value in ("operator", "supervisor") and any(
        isinstance(o, DistressCall) for o in observations
    ):
        case_actor = principal.case_actor()
    return await services.ops.submit(
        observations, principal.tag, case_actor=case_actor, sweeps=sweeps
    )


def batch_records(records: list[dict[str, Any]]) -> tuple[list[Observation], list[dict[str, Any]]]:
    """The good records of a batch as observations, and the bad ones named."""
    from channelwatch.ingest.contacts import parse_records

    got = parse_records(records)
    rejected = [{"record": r.record, "field": r.field, "message": r.message} for r in got.rejected]
    return list(got.accepted), rejected


@router.post("/contacts", status_code=status.HTTP_202_ACCEPTED, response_model=AcceptedOut)
async def post_contact(
    record: ContactOrCall, principal: Reporter, services: ServicesDep
) -> JSONResponse:
    """One radar, aerial or drone contact, or one distress call: recorded in the ledger, then
    tracked (a lone plot, never a sweep); a call is scored against the cases (a suggestion, not
    a decision)."""
    submitted = await accept(services, principal, [record.to_observation()], sweeps=False)
    return JSONResponse(accepted_body(submitted), status_code=status.HTTP_202_ACCEPTED)


@router.post("/contacts/batch", status_code=status.HTTP_202_ACCEPTED, response_model=AcceptedOut)
async def post_contacts(body: BatchIn, principal: Reporter, services: ServicesDep) -> JSONResponse:
    """Up to 1000 records: bad records are rejected (named), the good ones are accepted. Radar
    plots of one sensor at one time are one sweep for the tracker."""
    observations, rejected = batch_records(body.records)
    if not observations:
        return JSONResponse(
            {**NOTHING_ACCEPTED, "rejected": rejected}, status_code=status.HTTP_202_ACCEPTED
        )
    submitted = await accept(services, principal, observations, sweeps=True)
    return JSONResponse(accepted_body(submitted, rejected), status_code=status.HTTP_202_ACCEPTED)


@router.get("/contacts", response_model=Page)
async def contacts(
    principal: Reader,
    services: ServicesDep,
    after: Cursor = None,
    limit: Limit = 100,
    kind: Annotated[str | None, Query(pattern="^(contact|call)$")] = None,
    since: datetime | None = None,
    bbox: BBoxQ = None,
) -> Page:
    if since is not None and since.tzinfo is None:
        raise ApiInputError(f"since must carry a UTC offset, got {since.isoformat()!r}")
    box = _bbox(bbox)
    await services.ops.writer.settled()  # contacts answered before this call are listed
    page = await asyncio.to_thread(
        services.store.list_contacts, after=after, limit=limit, kind=kind, since=since, bbox=box
    )
    items = [
        contact_dict(
            c.id,
            c.ledger_index,
            Event(
                "observation.contact" if c.kind == "contact" else "observation.distress_call",
                c.time,
                c.received_by,
                c.body,
            ),
            internal=principal.internal,
        )
        for c in page.items
    ]
    return Page(items=items, next=page.next)


@router.get("/alerts", response_model=Page)
def alerts(
    _: Reader,
    services: ServicesDep,
    after: Cursor = None,
    limit: Limit = 100,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    bbox: BBoxQ = None,
) -> Page:
    if since is not None and since.tzinfo is None:
        raise ApiInputError(f"since must carry a UTC offset, got {since.isoformat()!r}")
    page = services.store.list_alerts(
        after=after, limit=limit, kind=kind, since=since, bbox=_bbox(bbox)
    )
    return Page(items=[alert_dict(a) for a in page.items], next=page.next)


@router.post("/alerts/{alert_id}/ack", response_model=AckOut)
async def ack_alert(alert_id: str, principal: Acknowledger, services: ServicesDep) -> AckOut:
    """Acknowledge an alert (recorded with who and when)."""
    return AckOut(alert=await services.ops.acknowledge_alert(alert_id, principal.tag))
