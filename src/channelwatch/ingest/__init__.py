"""Ingest: AIS NMEA decoding, contact and distress-call reports, and the sources that feed them.

- :mod:`.decoder` (``NmeaDecoder``): NMEA 0183 buffers to decoded AIS messages and counts;
  bulk numpy decoding (:mod:`.scan`, :mod:`.layouts`, :mod:`.sixbit`) with pyais as the
  decoder of record (:mod:`.pyais_bridge`) and the line-by-line reference (:mod:`.framing`).
- :mod:`.aisobs`: decoded messages to ``AisPosition`` / ``AisStatic``.
- :mod:`.sources`: files (plain, gzip), replay, TCP client, UDP listener.
- :mod:`.contacts`: radar / aerial / drone contact reports and distress calls (JSON, CSV).
- :mod:`.encode`: AIS to NMEA sentences with tag blocks; :mod:`.events`: observations as events.

Nothing is imported here, so that ``channelwatch.ingest.observation`` stays light to import.
"""
