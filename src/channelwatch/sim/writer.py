"""Writing a scenario to a folder: AIS as NMEA with tag blocks, contacts and calls as JSON lines,
the ground truth as CSV and JSON lines, and a description of the scenario."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from channelwatch.sim.world import Output

TRUTH_COLUMNS = (
    "time",
    "vessel",
    "kind",
    "mmsi",
    "lat",
    "lon",
    "sog_kn",
    "cog_deg",
    "persons",
    "state",
)


def write_scenario(out: Output, summary: dict[str, Any], folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "ais": folder / "ais.nmea",
        "contacts": folder / "contacts.jsonl",
        "truth": folder / "truth.csv",
        "events": folder / "truth_events.jsonl",
        "scenario": folder / "scenario.json",
    }
    paths["ais"].write_text("".join(line + "\r\n" for line in out.ais), encoding="ascii")
    with paths["contacts"].open("w", encoding="utf-8") as fh:
        for c in sorted(out.contacts, key=lambda c: c["time"]):
            fh.write(json.dumps(c, ensure_ascii=False, separators=(",", ":")) + "\n")
    with paths["truth"].open("w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh)
        wr.writerow(TRUTH_COLUMNS)
        wr.writerows(out.truth)
    with paths["events"].open("w", encoding="utf-8") as fh:
        for e in out.events:
            fh.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n")
    paths["scenario"].write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return paths
