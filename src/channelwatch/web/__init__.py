"""The operations picture in the browser: static files served by ``channelwatch serve`` at ``/``.

Plain HTML, CSS and ES modules with MapLibre GL JS vendored (``static/vendor/maplibre-gl``): no
build step, no CDN, nothing fetched from the internet. The map draws the region's own layers
(``/api/region/layers/{name}``) instead of a tile server.
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR: Path = Path(__file__).resolve().parent / "static"
"""The folder to serve at ``/`` (holds ``index.html``)."""

INDEX_HTML: Path = STATIC_DIR / "index.html"

__all__ = ["INDEX_HTML", "STATIC_DIR"]
