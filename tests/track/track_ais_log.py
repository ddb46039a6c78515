"""Read a real AIS log (``YYYY-MM-DD HH:MM:SS, !AIVDM...`` in Paris local time) with pyais."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pyais import decode

from channelwatch.ingest.observation import AisPosition, AisStatic

PARIS = ZoneInfo("Europe/Paris")


def read_vernon(path: Path, max_lines: int) -> list[AisPosition | AisStatic]:
    """Positions (types 1-3, 4, 18) and statics (type 5) of the first ``max_lines`` lines."""
    out: list[AisPosition | AisStatic] = []
    parts: dict[tuple[str, str], list[str]] = {}
    with path.open(encoding="ascii", errors="replace") as fh:
        for n, line in enumerate(fh):
            if n >= max_lines:
                break
            stamp, _, sentence = line.strip().partition(", ")
            fields = sentence.split(",")
            if len(fields) < 7:
                continue
            try:
                if fields[1] != "1":
                    key = (fields[3], fields[4])
                    parts.setdefault(key, []).append(sentence)
                    if fields[2] != fields[1]:
                        continue
                    msg = decode(*parts.pop(key))
                else:
                    msg = decode(sentence)
            except Exception:  # a broken sentence in a real capture: skip it
                continue
            time = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=PARIS)
            if msg.msg_type in (1, 2, 3, 4, 18):
                lat, lon = float(msg.lat), float(msg.lon)
                speed = getattr(msg, "speed", None)
                course = getattr(msg, "course", None)
                status = getattr(msg, "status", None)
                out.append(
                    AisPosition(
                        time=time,
                        mmsi=int(msg.mmsi),
                        msg_type=int(msg.msg_type),
                        lat=lat,
                        lon=lon,
                        sog_kn=float(speed) if speed is not None else None,
                        cog_deg=float(course) if course is not None else None,
                        nav_status=int(status) if status is not None else None,
                    )
                )
            elif msg.msg_type == 5:
                out.append(
                    AisStatic(
                        time=time,
                        mmsi=int(msg.mmsi),
                        msg_type=5,
                        name=str(msg.shipname),
                        ship_type=int(msg.ship_type),
                        to_bow_m=int(msg.to_bow),
                        to_stern_m=int(msg.to_stern),
                    )
                )
    return out
