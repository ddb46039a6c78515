"""The reference for bench/api_load.py: a bare FastAPI endpoint on the same uvicorn that
validates the same contact body (the same pydantic model) and records nothing.

It is the ceiling of the framework on this machine: ours minus it is the cost of the ledger,
the store, the tracker queue and authentication.

    .venv-bench/bin/python bench/api_bare.py PORT
"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI, status

from channelwatch.api.schemas import ContactOrCall

app = FastAPI()


@app.get("/api/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/api/contacts", status_code=status.HTTP_202_ACCEPTED)
async def post_contact(record: ContactOrCall) -> dict[str, object]:
    return {"accepted": 1, "ledger_indices": [], "contact_ids": [], "kind": record.kind}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
