"""Ingest: AIS NMEA decoding, contact and distress-call reports, and the sources that feed them."""
