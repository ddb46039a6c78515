"""The ledger for supervisors and auditors: checkpoint, entries, proofs, case exports."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query

from channelwatch.api.deps import LedgerReader, ServicesDep
from channelwatch.api.errors import NotFoundApiError

router = APIRouter(prefix="/api/ledger", tags=["ledger"])

Index = Annotated[int, Query(ge=0, le=2**53)]


def _entry(e: Any) -> dict[str, Any]:
    return {
        "index": e.index,
        "type": e.type,
        "time": e.time.isoformat(),
        "actor": e.actor,
        "payload": dict(e.payload),
        "policy_hash": e.policy_hash,
    }


@router.get("/checkpoint")
async def checkpoint(_: LedgerReader, services: ServicesDep) -> dict[str, Any]:
    """The latest signed checkpoint (tree size, root hash, signed note) and the ledger's key."""
    cp = await asyncio.to_thread(services.ledger.latest_checkpoint)
    return {
        "origin": cp.origin,
        "size": cp.size,
        "root": cp.root.hex(),
        "note": cp.text,
        "public_key": str(services.ledger.public_key),
    }


@router.get("/entries")
async def entries(
    _: LedgerReader,
    services: ServicesDep,
    start: Index = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    got = await asyncio.to_thread(services.ledger.entries, start, start + limit)
    size = services.ledger.size
    nxt = start + len(got) if start + len(got) < size and got else None
    return {"items": [_entry(e) for e in got], "next": nxt, "size": size}


@router.get("/entries/{index}")
async def entry(index: int, _: LedgerReader, services: ServicesDep) -> dict[str, Any]:
    return _entry(await _ledger_call(services.ledger.entry, index))


async def _ledger_call(fn: Any, *args: Any) -> Any:
    from channelwatch.ledger import LedgerInputError

    try:
        return await asyncio.to_thread(fn, *args)
    except LedgerInputError as exc:
        raise NotFoundApiError(str(exc)) from None


@router.get("/proofs/inclusion")
async def inclusion(
    index: Index, _: LedgerReader, services: ServicesDep, size: Index | None = None
) -> dict[str, Any]:
    """Proof that entry ``index`` is in the tree of ``size`` entries (default: all)."""
    proof = await _ledger_call(services.ledger.prove_inclusion, index, size)
    out: dict[str, Any] = proof.to_dict()
    return out


@router.get("/proofs/consistency")
async def consistency(
    old_size: Index, _: LedgerReader, services: ServicesDep, new_size: Index | None = None
) -> dict[str, Any]:
    """Proof that the tree of ``old_size`` entries is a prefix of the tree of ``new_size``."""
    proof = await _ledger_call(services.ledger.prove_consistency, old_size, new_size)
    out: dict[str, Any] = proof.to_dict()
    return out


@router.get("/cases/{case_id}/export")
async def export_case(case_id: str, _: LedgerReader, services: ServicesDep) -> dict[str, Any]:
    """The inquiry bundle of one case: its entries with inclusion proofs and a checkpoint."""
    services.ops.case_dict(case_id)
    out: dict[str, Any] = await _ledger_call(services.ledger.export_case, case_id)
    return out
