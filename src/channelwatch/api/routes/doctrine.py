"""Doctrine: the panel evaluates and the advice is recorded as shown; a person's decision is a
separate request naming that advice. Nothing here executes an action."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from channelwatch.api.deps import Adviser, Reader, ServicesDep
from channelwatch.api.schemas import DecisionIn, DecisionOut, EvaluateIn, EvaluateOut, Page

router = APIRouter(prefix="/api/doctrine", tags=["doctrine"])


@router.get("/policies", response_model=Page)
def policies(_: Reader, services: ServicesDep) -> Page:
    from channelwatch.doctrine import default_library

    lib = default_library()
    items: list[dict[str, Any]] = []
    for name in lib.names():
        p = lib.get(name)
        items.append(
            {
                "id": p.id,
                "version": p.version,
                "title": p.title,
                "status": p.status,
                "default": name == services.settings.policy,
            }
        )
    return Page(items=items, next=None)


@router.post("/evaluate", response_model=EvaluateOut)
async def evaluate(body: EvaluateIn, principal: Adviser, services: ServicesDep) -> EvaluateOut:
    """Assess the boat and evaluate the proposed action (or all) under a policy; the assessment,
    the verdicts and the advice shown to this user are recorded (``advice_id`` is the ledger
    index of the advice shown, to be named by the decision)."""
    case_actor = None
    if body.case_id is not None:
        if principal.role.value not in ("operator", "supervisor"):
            from channelwatch.api.errors import ForbiddenError

            raise ForbiddenError("advice on a case is shown to the case's centre staff")
        case_actor = principal.case_actor()
    out = await services.ops.evaluate_doctrine(
        body.situation,
        body.policy or services.settings.policy,
        all_actions=body.all_actions,
        actor=principal.tag,
        case_actor=case_actor,
        case_id=body.case_id,
    )
    return EvaluateOut(**out)


@router.post("/decisions", response_model=DecisionOut)
async def decide(body: DecisionIn, principal: Adviser, services: ServicesDep) -> DecisionOut:
    """Record a person's decision with the advice it was given (``against_advice`` is computed
    from that advice). This records; it does not execute anything."""
    out = await services.ops.record_decision(
        body.advice_id, body.action, principal.tag, note=body.note, case_id=body.case_id
    )
    return DecisionOut(**out)
