"""Correlation suggestions of distress calls: what a page opened after a call needs to offer the
operator the suggested case (the ``suggestion`` stream message reaches only pages connected at
the time). Internal roles only: advice is not part of the shared picture."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from channelwatch.api.deps import Internal, ServicesDep
from channelwatch.api.schemas import Page

router = APIRouter(prefix="/api/suggestions", tags=["cases"])


@router.get("", response_model=Page)
async def suggestions(
    _: Internal,
    services: ServicesDep,
    pending: Annotated[
        bool, Query(description="Only calls no case holds yet (the calls to place).")
    ] = True,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Page:
    """Call suggestions, newest first: ``{"call_id", "ledger_index", "advice_index", "advice",
    "report", "time", "alert_id", "pending", "case_id"}`` (``case_id``: the case that holds the
    call now, if any)."""
    items = await services.ops.call_suggestions(pending=pending, limit=limit)
    return Page(items=items, next=None)
