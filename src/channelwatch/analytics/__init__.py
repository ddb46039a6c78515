"""Analytics: crossings and deaths over time, weather windows, plots, exports and incident reports.

Cores are pure functions on numpy arrays (``crossings``, ``deaths``, ``weather``); readers of the
Home Office, IOM and forecast files sit at the edges (``homeoffice``, ``iom``, ``weather``
readers). Heavy libraries (pandas, matplotlib, xarray) are imported only where used.
"""
