"""The static files of the web page, without a browser: everything the page loads is in the
package, every module import and element id it uses resolves, and nothing points off-site.
"""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

from channelwatch.web import INDEX_HTML, STATIC_DIR

JS_DIR = STATIC_DIR / "js"
VENDOR = STATIC_DIR / "vendor" / "maplibre-gl"
OWN_FILES = [INDEX_HTML, STATIC_DIR / "app.css", *sorted(JS_DIR.glob("*.js"))]


def _text(path: Path) -> str:
    return path.read_text("utf-8")


def test_static_dir_holds_the_page_and_the_vendored_maplibre() -> None:
    assert INDEX_HTML.is_file()
    for name in ("maplibre-gl.js", "maplibre-gl.css", "LICENSE.txt", "VENDOR.md"):
        assert (VENDOR / name).is_file(), name
    # The version said in VENDOR.md is the one in the file's own banner.
    version = re.search(r"MapLibre GL JS (\d+\.\d+\.\d+)", _text(VENDOR / "VENDOR.md"))
    assert version is not None
    banner = (VENDOR / "maplibre-gl.js").read_text("utf-8")[:400]
    assert f"v{version.group(1)}/LICENSE.txt" in banner
    assert "BSD" in _text(VENDOR / "LICENSE.txt") or "Redistribution" in _text(
        VENDOR / "LICENSE.txt"
    )


def test_every_file_of_the_page_is_shipped_as_package_data(repo_root: Path) -> None:
    config = tomllib.loads((repo_root / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["*"]
    for path in STATIC_DIR.rglob("*"):
        if path.is_file():
            assert any(fnmatch(path.name, p) for p in patterns), f"not package data: {path}"


def test_references_in_index_html_are_local_files() -> None:
    html = _text(INDEX_HTML)
    refs = re.findall(r'(?:src|href)="([^"#]+)"', html)
    assert "js/app.js" in refs and "vendor/maplibre-gl/maplibre-gl.js" in refs
    for ref in refs:
        if ref.startswith("data:"):
            continue
        assert not re.match(r"^[a-z]+:|^//", ref), f"remote reference {ref}"
        assert (STATIC_DIR / ref).is_file(), f"missing {ref}"


def test_our_files_point_nowhere_off_site() -> None:
    url = re.compile(r"""(?:https?:|wss?:)?//[a-z0-9.-]+\.[a-z]{2,}""", re.I)
    for path in OWN_FILES:
        found = url.findall(_text(path))
        assert not found, f"{path.name} names remote URLs: {found}"


_IMPORT = re.compile(r"import\s*\{([^}]*)\}\s*from\s*'(\./[^']+)'", re.S)
_EXPORT = re.compile(r"export\s+(?:async\s+)?(?:function|const|let|class)\s+([A-Za-z_$][\w$]*)")


def test_every_module_import_resolves_to_an_export() -> None:
    exports = {p.name: set(_EXPORT.findall(_text(p))) for p in JS_DIR.glob("*.js")}
    checked = 0
    for path in JS_DIR.glob("*.js"):
        for names, target in _IMPORT.findall(_text(path)):
            module = Path(target).name
            assert module in exports, f"{path.name} imports missing {target}"
            for name in (n.strip() for n in names.split(",")):
                if name:
                    assert name in exports[module], f"{path.name}: {module} has no {name}"
                    checked += 1
    assert checked > 50


def test_element_ids_used_by_the_scripts_exist() -> None:
    """Each `$('#id')` names an element of index.html or one a script creates."""
    known = set(re.findall(r'\bid="([^"]+)"', _text(INDEX_HTML)))
    scripts = {p.name: _text(p) for p in JS_DIR.glob("*.js")}
    for text in scripts.values():
        known |= set(re.findall(r"\bid:\s*'([^']+)'", text))
        known |= set(re.findall(r"\bfield\(\s*'([^']+)'", text))
    # Ids built from a list (the tabs and their panels) are in index.html already.
    used: set[str] = set()
    for name, text in scripts.items():
        for sel in re.findall(r"\$\('#([A-Za-z][\w-]*)", text):
            used.add(sel)
            assert sel in known, f"{name} uses #{sel}, which nothing creates"
    assert len(used) > 40
