"""The incident report as a multi-page A4 PDF (matplotlib's PDF backend: no LaTeX, no network).

A small text layout: headings, wrapped paragraphs and wrapped tables flow down the page and
onto new pages; each page carries the case, the verification status and its number.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from channelwatch.analytics.report.model import IncidentReport, ReportEntry

if TYPE_CHECKING:
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

A4_IN = (8.27, 11.69)
MARGIN_IN = 0.6
_INK = "#1d2733"


def _chars_per_inch(size_pt: float, mono: bool = False) -> float:
    # Mean advance of DejaVu Sans is about 0.55 em (0.60 em for the monospace face).
    return 72.0 / ((0.60 if mono else 0.55) * size_pt)


def _status(report: IncidentReport) -> str:
    v = report.verification
    if v.ok is None:
        return "NOT VERIFIED (verifier not run)"
    if not v.ok:
        return "NOT VERIFIED"
    return "VERIFIED" if v.key_source == "given" else "INTACT, origin not established"


class _Layout:
    def __init__(self, pdf: PdfPages, report: IncidentReport) -> None:
        self.pdf = pdf
        self.report = report
        self.page = 0
        self.fig: Figure | None = None
        self.y = 0.0  # inches from the bottom
        self.width = A4_IN[0] - 2 * MARGIN_IN

    def _new_page(self) -> None:
        from matplotlib.figure import Figure

        self.finish()
        self.page += 1
        self.fig = Figure(figsize=A4_IN)
        r = self.report
        self._text(
            MARGIN_IN, A4_IN[1] - 0.35, f"Incident report — case {r.case_id}", 8, color="#555555"
        )
        self._text(
            A4_IN[0] - MARGIN_IN,
            A4_IN[1] - 0.35,
            _status(r),
            8,
            ha="right",
            color="#3c8d4a" if _status(r) == "VERIFIED" else "#c0392b",
            weight="bold",
        )
        self._text(
            MARGIN_IN,
            0.3,
            f"Generated {r.generated_at:%Y-%m-%d %H:%M} UTC from the ledger bundle; every row "
            "names its ledger entry.",
            7,
            color="#555555",
        )
        self._text(A4_IN[0] - MARGIN_IN, 0.3, f"page {self.page}", 7, ha="right", color="#555555")
        self.y = A4_IN[1] - 0.65

    def _text(self, x_in: float, y_in: float, s: str, size: float, **kw: Any) -> None:
        assert self.fig is not None
        kw.setdefault("color", _INK)
        self.fig.text(x_in / A4_IN[0], y_in / A4_IN[1], s, fontsize=size, va="top", **kw)

    def _need(self, height_in: float) -> None:
        if self.fig is None or self.y - height_in < 0.55:
            self._new_page()

    def finish(self) -> None:
        if self.fig is not None:
            self.pdf.savefig(self.fig)  # type: ignore[no-untyped-call]
            self.fig = None

    def heading(self, text: str, size: float = 12.0) -> None:
        self._need(0.9)  # keep a heading with at least a few lines of what follows
        self.y -= 0.12
        self._text(MARGIN_IN, self.y, text, size, weight="bold", color="#1f4e79")
        self.y -= size / 72 * 1.6

    def para(self, text: str, size: float = 8.5, mono: bool = False, **kw: Any) -> None:
        width = int(self.width * _chars_per_inch(size, mono))
        lines = []
        for block in text.split("\n"):
            lines += textwrap.wrap(block, width, break_long_words=True) or [""]
        step = size / 72 * 1.35
        for line in lines:
            self._need(step)
            self._text(
                MARGIN_IN, self.y, line, size, family="DejaVu Sans Mono" if mono else None, **kw
            )
            self.y -= step
        self.y -= step * 0.4

    def table(
        self,
        head: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        size: float = 7.0,
    ) -> None:
        """``widths`` are fractions of the text width, one per column."""
        from matplotlib.lines import Line2D

        step = size / 72 * 1.3
        cols = [w * self.width for w in widths]
        caps = [max(4, int(c * _chars_per_inch(size)) - 1) for c in cols]

        def draw(cells: Sequence[str], bold: bool) -> None:
            wrapped = [
                textwrap.wrap(str(c), cap, break_long_words=True) or [""]
                for c, cap in zip(cells, caps, strict=True)
            ]
            height = max(len(w) for w in wrapped) * step + 0.04
            if self.fig is None or self.y - height < 0.55:
                self._new_page()
                if not bold:
                    draw(head, True)
            x = MARGIN_IN
            for w, col in zip(wrapped, cols, strict=True):
                for k, line in enumerate(w):
                    self._text(x, self.y - k * step, line, size, weight="bold" if bold else None)
                x += col
            self.y -= height
            assert self.fig is not None
            self.fig.add_artist(
                Line2D(
                    [MARGIN_IN / A4_IN[0], (A4_IN[0] - MARGIN_IN) / A4_IN[0]],
                    [(self.y + 0.02) / A4_IN[1]] * 2,
                    color="#d5d9de",
                    lw=0.5,
                )
            )

        draw(head, True)
        for row in rows:
            draw(row, False)
        self.y -= 0.1

    def figure_page(self, fig: Figure) -> None:
        self.finish()
        self.pdf.savefig(fig)  # type: ignore[no-untyped-call]
        self.page += 1


def _entries(layout: _Layout, entries: Sequence[ReportEntry], empty: str) -> None:
    if not entries:
        layout.para(empty)
        return
    layout.table(
        ("entry", "time (UTC)", "actor", "what"),
        [(str(e.index), f"{e.time:%m-%d %H:%M}", e.actor, e.summary) for e in entries],
        (0.07, 0.12, 0.21, 0.60),
    )


def write_pdf(report: IncidentReport, path: Path, map_fig: Figure | None, bundle_name: str) -> Path:
    """Write the report; returns ``path``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_pdf import PdfPages

    v = report.verification
    meta = {
        "Title": f"Incident report, case {report.case_id}",
        "Creator": "ChannelWatch",
        "CreationDate": None,
    }
    with PdfPages(path, metadata=meta) as pdf:
        lay = _Layout(pdf, report)
        lay._new_page()
        lay._text(MARGIN_IN, lay.y, f"Incident report — case {report.case_id}", 17, weight="bold")
        lay.y -= 0.4
        lay.para(
            f"Period {report.first:%Y-%m-%d %H:%M} to {report.last:%Y-%m-%d %H:%M} UTC. "
            f"Built from the ledger bundle {bundle_name}."
        )
        lay.heading("Verification")
        lay.para(f"{_status(report)}. {v.summary}", size=9, weight="bold")
        if v.ok and v.key_source != "given":
            lay.para(
                "The bundle verifies against the public key it carries: it is intact, but who "
                "signed it is not established. Verify again with the centre's published key."
            )
        for p in v.problems[:20]:
            lay.para(f"• {p}", color="#c0392b")
        lay.heading("1. Summary")
        tally = report.persons or {}
        lay.table(
            ("", ""),
            [
                ("Case", report.case_id),
                ("Centres and units", ", ".join(report.centres) or "–"),
                ("Status at the end of the record", report.status or "open"),
                (
                    "Persons",
                    f"{tally.get('accounted', '?')} of {tally.get('figure', '?')} accounted for; "
                    f"missing {tally.get('missing', '?')}"
                    if tally
                    else "–",
                ),
                (
                    "Entries",
                    f"{len(report.entries)} entries: {len(report.calls)} calls and sightings, "
                    f"{len(report.decisions)} decisions, {len(report.refused)} refused attempts",
                ),
                ("Redacted personal values", str(report.redacted)),
            ],
            (0.3, 0.7),
            size=8.0,
        )
        if map_fig is not None:
            lay.figure_page(map_fig)
            lay.heading("Positions on the map")
            lay.table(
                ("#", "time (UTC)", "kind", "what", "lat", "lon", "entry"),
                [
                    (
                        str(n),
                        f"{p.time:%m-%d %H:%M}",
                        p.kind,
                        p.label,
                        f"{p.lat:.5f}",
                        f"{p.lon:.5f}",
                        str(p.index),
                    )
                    for n, p in enumerate(report.points, start=1)
                ],
                (0.05, 0.13, 0.11, 0.33, 0.13, 0.13, 0.12),
            )
        lay.heading("2. Timeline")
        lay.table(
            ("entry", "time (UTC)", "actor", "type", "what"),
            [
                (str(e.index), f"{e.time:%m-%d %H:%M:%S}", e.actor, e.type, e.summary)
                for e in report.entries
            ],
            (0.06, 0.12, 0.19, 0.19, 0.44),
        )
        lay.heading("3. Calls and sightings")
        if report.calls:
            lay.table(
                ("entry", "time", "report", "by", "position ± m", "aboard", "said", "handled"),
                [
                    (
                        str(c.index),
                        f"{c.time:%H:%M}",
                        c.report_id,
                        c.received_by,
                        "–"
                        if c.lat is None
                        else f"{c.lat:.4f}, {c.lon:.4f} ± "
                        f"{'?' if c.accuracy_m is None else f'{c.accuracy_m:.0f}'}",
                        "–" if c.persons is None else str(c.persons),
                        c.description,
                        c.handled,
                    )
                    for c in report.calls
                ],
                (0.06, 0.07, 0.10, 0.05, 0.18, 0.07, 0.25, 0.22),
            )
        else:
            lay.para("No call or sighting is recorded in this case.")
        lay.heading("4. Decisions, with the advice in front of the decider")
        for d in report.decisions:
            e = d.entry
            flag = "  [AGAINST ADVICE]" if d.against_advice else ""
            lay.para(
                f"{e.time:%Y-%m-%d %H:%M:%S} UTC — {e.actor} — {e.type} (entry {e.index}){flag}",
                size=8.5,
                weight="bold",
            )
            lay.para(e.summary)
            if d.advice:
                src = (
                    "recorded with the decision"
                    if d.advice_index == e.index
                    else f"latest standing advice, entry {d.advice_index}"
                )
                lay.para(f"Advice in front of the decider ({src}):", size=8, color="#1f4e79")
                for line in d.advice:
                    lay.para(f"  {line}", size=8, color="#1f4e79")
            else:
                lay.para(
                    "No advice was recorded with or before this decision.", size=8, color="#c0392b"
                )
        if not report.decisions:
            lay.para("No decision is recorded in this case.")
        lay.heading("Refused attempts", size=10)
        _entries(lay, report.refused, "No command was refused.")
        lay.heading("5. Drift and search")
        _entries(
            lay, report.plans, "No drift or search plan is recorded in the ledger for this case."
        )
        lay.heading("Units tasked", size=10)
        _entries(lay, report.tasks, "No unit was tasked.")
        lay.heading("6. Outcomes and persons")
        _entries(lay, report.outcomes, "No outcome is recorded.")
        lay.heading("7. Verification data")
        lay.table(
            ("", ""),
            [
                ("Result", v.summary),
                (
                    "Key used",
                    "trusted key given" if v.key_source == "given" else "the bundle's own key",
                ),
                ("Log origin", v.origin),
                ("Tree size", "–" if v.tree_size is None else str(v.tree_size)),
                ("Root hash", v.root_hex or "–"),
                ("Public key", v.public_key),
            ],
            (0.2, 0.8),
            size=7.5,
        )
        lay.para("Signed checkpoint:", size=8, weight="bold")
        lay.para(v.checkpoint, size=7, mono=True)
        lay.para(
            f"Check independently: python -m channelwatch.ledger.offline {bundle_name} PUBLIC_KEY",
            size=7.5,
        )
        lay.table(
            ("entry", "leaf hash (SHA-256, RFC 6962)"),
            [(str(i), h) for i, h in sorted(v.leaf_hashes.items())],
            (0.1, 0.9),
            size=6.5,
        )
        lay.finish()
    return path
