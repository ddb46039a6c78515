"""The live operations service, pure of HTTP: ledger first, then tracker, alerts, cases, bus.

:class:`~channelwatch.api.live.service.Operations` is what the routes call; the modules beside
it are its parts: the clock (wall or replay), the ledger writer (group commit), the projection of
ledger entries to store rows, the alert rules, the scenario replay and the AIS sources.
"""
