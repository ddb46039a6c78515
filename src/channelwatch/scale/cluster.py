"""Where Dask work runs: a LocalCluster on this machine by default, or a cluster by address.

The work itself never depends on which: functions are submitted to a ``distributed.Client``.
What changes on a real cluster is said in docs/scale.md (shared storage, the same environment on
every worker).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from channelwatch.scale.errors import ScaleInputError

# Dask starts worker processes with MALLOC_TRIM_THRESHOLD_=65536 (to give memory back to the
# system). Setting it also freezes glibc's mmap threshold at 128 KiB, so every particle array
# above that is mapped and unmapped at each step: measured, it doubles the drift model's CPU
# time (2.7x at 50,000 particles). These keep arrays on the heap as glibc's own default does and
# still give memory back above 64 MiB. Set them on the workers of a real cluster too.
WORKER_ENVIRON: dict[str, Any] = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": 64 << 20,
    "distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": 32 << 20,
}


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None,
    *,
    workers: int = 2,
    threads_per_worker: int = 1,
    processes: bool = True,
) -> Iterator[Any]:
    """A ``distributed.Client``: connected to ``scheduler`` (``tcp://host:8786``) if given, else
    to a LocalCluster of ``workers`` worker processes (no dashboard), closed on exit."""
    import dask
    import distributed

    # distributed's constructors are untyped: call them through Any.
    Client: Any = distributed.Client  # noqa: N806
    LocalCluster: Any = distributed.LocalCluster  # noqa: N806
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise ScaleInputError(
                f"cannot reach a Dask scheduler at {scheduler!r}: {exc}"
            ) from None
        with client:
            yield client
        return
    if workers < 1 or threads_per_worker < 1:
        raise ScaleInputError(
            f"workers and threads per worker must be >= 1, got {workers}, {threads_per_worker}"
        )
    with (
        dask.config.set(WORKER_ENVIRON),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=threads_per_worker,
            processes=processes,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,  # workers log the scheduler going away at close
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def describe(client: Any) -> dict[str, Any]:
    """The scheduler's address and its workers (name, threads), for reports."""
    info = client.scheduler_info()
    workers = info.get("workers", {})
    return {
        "scheduler": info.get("address"),
        "workers": len(workers),
        "threads": sum(int(w.get("nthreads", 0)) for w in workers.values()),
    }
