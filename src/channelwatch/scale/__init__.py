"""Work that outgrows one process, on Dask (distributed): a LocalCluster by default, a real
cluster by address.

- :mod:`.archive`: AIS files → partitioned Parquet (``date=``/``hour=``), one task per file.
- :mod:`.stats`: the archive's statistics and per-vessel tracks, one task per day.
- :mod:`.ensemble`: many drift scenarios in parallel through :func:`channelwatch.drift.run_leeway`.
- :mod:`.cluster`: the client (``dask_client(scheduler=None, workers=2)``).

Nothing is imported here: Dask, pandas and pyarrow load only when a job runs. See docs/scale.md.
"""
