"""The incident report as one self-contained HTML page: inline CSS, the map embedded as PNG, no
scripts and no external assets, printable. Every value is escaped."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from html import escape

from channelwatch.analytics.report.model import IncidentReport, ReportEntry

_CSS = """
body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:1.5rem auto;max-width:76rem;
padding:0 1rem;color:#1d2733;line-height:1.4;font-size:14px}
h1{font-size:1.55rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:2px solid #1f4e79;padding-bottom:.2rem}
.sub{color:#555}.banner{padding:.6rem .9rem;border-radius:4px;margin:1rem 0;font-weight:600}
.ok{background:#e5f4e8;border:1px solid #3c8d4a}.bad{background:#fde8e6;border:1px solid #c0392b}
.warn{background:#fff6e0;border:1px solid #d9822b}
table{border-collapse:collapse;width:100%;font-size:12.5px;margin:.4rem 0}
th,td{border:1px solid #d5d9de;padding:.25rem .45rem;vertical-align:top;text-align:left}
th{background:#eef2f6}tr.decision td{background:#fff8e6}tr.advice td{background:#eef5ff}
tr.refused td{background:#fdecea}td.n{text-align:right;white-space:nowrap}
.tag{font-size:11px;font-weight:700;text-transform:uppercase}
dl{display:grid;grid-template-columns:max-content auto;gap:.15rem .8rem}dt{font-weight:600}
dd{margin:0}pre,code{font-family:"DejaVu Sans Mono",monospace;font-size:11.5px}
pre{background:#f5f6f7;padding:.5rem;white-space:pre-wrap;word-break:break-all}
.decision-block{border-left:4px solid #d9822b;padding:.3rem .8rem;margin:.8rem 0;background:#fffdf8}
.advice{border-left:3px solid #1f77b4;padding-left:.6rem;margin:.3rem 0}
img{max-width:100%}footer{margin-top:2rem;color:#555;font-size:12px}
@media print{body{font-size:11px;max-width:none}h2{page-break-after:avoid}
tr{page-break-inside:avoid}}
"""


def _t(e: ReportEntry | None = None, time: object = None) -> str:
    t = e.time if e is not None else time
    return escape(f"{t:%Y-%m-%d %H:%M:%S} UTC") if t is not None else "–"


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], classes: Sequence[str] = ()) -> str:
    """``rows`` cells are already escaped HTML."""
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if i < len(classes) and classes[i] else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _num(v: float | None, fmt: str) -> str:
    return "–" if v is None else escape(format(v, fmt))


def _banner(report: IncidentReport) -> str:
    v = report.verification
    if v.ok is None:
        return '<div class="banner warn">Not verified: the offline verifier was not run.</div>'
    if not v.ok:
        problems = "".join(f"<li>{escape(p)}</li>" for p in v.problems[:20])
        return (
            f'<div class="banner bad">NOT VERIFIED. {escape(v.summary)}'
            f"<ul>{problems}</ul>Do not rely on this report.</div>"
        )
    if v.key_source == "given":
        return (
            '<div class="banner ok">Verified: every entry below is proved in the signed ledger '
            f"checkpoint, against the trusted key given. {escape(v.summary)}</div>"
        )
    return (
        '<div class="banner warn">Intact, origin not established: the bundle verifies against '
        "the public key it carries. Verify again with the centre's published key "
        f"(--key). {escape(v.summary)}</div>"
    )


def _summary(report: IncidentReport) -> str:
    persons = "–"
    if report.persons:
        p = report.persons
        persons = escape(
            f"{p.get('accounted', '?')} of {p.get('figure', '?')} accounted for "
            f"(rescued {p.get('rescued', '?')}, landed {p.get('landed', '?')}, deceased "
            f"{p.get('deceased', '?')}; missing {p.get('missing', '?')})"
        )
    items = [
        ("Case", escape(report.case_id)),
        ("Period", f"{_t(time=report.first)} to {_t(time=report.last)}"),
        ("Centres and units", escape(", ".join(report.centres) or "–")),
        ("Status at the end of the record", escape(report.status or "open")),
        ("Persons", persons),
        (
            "Entries",
            escape(
                f"{len(report.entries)} ledger entries: {len(report.calls)} calls and sightings, "
                f"{len(report.decisions)} decisions, {len(report.refused)} refused attempts, "
                f"{len(report.advice)} advice records"
            ),
        ),
    ]
    if report.redacted:
        items.append(("Redacted", escape(f"{report.redacted} personal values (phone, id)")))
    return "<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


def _positions(report: IncidentReport) -> str:
    rows = [
        (
            str(n),
            _t(time=p.time),
            escape(p.kind),
            escape(p.label),
            _num(p.lat, ".5f"),
            _num(p.lon, ".5f"),
            str(p.index),
        )
        for n, p in enumerate(report.points, start=1)
    ]
    return _table(("#", "time", "kind", "what", "lat", "lon", "entry"), rows)


def _timeline(report: IncidentReport) -> str:
    rows = [
        (
            str(e.index),
            _t(e),
            escape(e.actor),
            escape(e.type),
            f'<span class="tag">{escape(e.role)}</span>',
            escape(e.summary),
        )
        for e in report.entries
    ]
    return _table(
        ("entry", "time", "actor", "type", "role", "what"),
        rows,
        [e.role for e in report.entries],
    )


def _calls(report: IncidentReport) -> str:
    if not report.calls:
        return "<p>No call or sighting is recorded in this case.</p>"
    rows = [
        (
            str(c.index),
            _t(time=c.time),
            escape(c.report_id),
            escape(c.kind),
            escape(c.received_by),
            "–" if c.lat is None else f"{c.lat:.5f}, {c.lon:.5f}",
            _num(c.accuracy_m, ".0f"),
            "–" if c.persons is None else str(c.persons),
            escape(c.description),
            escape(c.handled),
        )
        for c in report.calls
    ]
    return _table(
        (
            "entry",
            "time",
            "report",
            "kind",
            "received by",
            "position",
            "± m",
            "aboard",
            "said",
            "handled",
        ),
        rows,
    )


def _decisions(report: IncidentReport) -> str:
    if not report.decisions:
        return "<p>No decision is recorded in this case.</p>"
    blocks = []
    for d in report.decisions:
        e = d.entry
        against = ""
        if d.against_advice:
            against = ' <span class="tag" style="color:#c0392b">against advice</span>'
        if d.advice:
            source = (
                "recorded with the decision"
                if d.advice_index == e.index
                else f"the latest standing advice before it, entry {d.advice_index}"
            )
            advice = "".join(f"<div>{escape(line)}</div>" for line in d.advice)
            advice_html = (
                '<div class="advice"><b>Advice in front of the decider</b> '
                f"({source}):{advice}</div>"
            )
        else:
            advice_html = (
                '<div class="advice"><b>No advice was recorded with or before this decision.'
                "</b></div>"
            )
        blocks.append(
            f'<div class="decision-block"><div><b>{_t(e)}</b> — {escape(e.actor)} — '
            f"{escape(e.type)} (entry {e.index}){against}</div><div>{escape(e.summary)}</div>"
            f"{advice_html}</div>"
        )
    return "".join(blocks)


def _entries_table(entries: Sequence[ReportEntry], empty: str) -> str:
    if not entries:
        return f"<p>{escape(empty)}</p>"
    return _table(
        ("entry", "time", "actor", "what"),
        [(str(e.index), _t(e), escape(e.actor), escape(e.summary)) for e in entries],
    )


def _verification(report: IncidentReport, bundle_name: str) -> str:
    v = report.verification
    items = [
        ("Result", escape(v.summary)),
        (
            "Key used",
            escape(
                "trusted key given by the reader"
                if v.key_source == "given"
                else "the key inside the bundle (origin not established)"
            ),
        ),
        ("Log origin", f"<code>{escape(v.origin)}</code>"),
        ("Tree size at the checkpoint", "–" if v.tree_size is None else str(v.tree_size)),
        ("Root hash", f"<code>{escape(v.root_hex or '–')}</code>"),
        ("Public key", f"<code>{escape(v.public_key)}</code>"),
    ]
    dl = "<dl>" + "".join(f"<dt>{k}</dt><dd>{val}</dd>" for k, val in items) + "</dl>"
    leaves = _table(
        ("entry", "leaf hash (SHA-256, RFC 6962)"),
        [(str(i), f"<code>{escape(h)}</code>") for i, h in sorted(v.leaf_hashes.items())],
    )
    how = (
        "<p>To check independently: <code>python -m channelwatch.ledger.offline "
        f"{escape(bundle_name)} PUBLIC_KEY</code> with the centre's published key; it needs "
        "only the bundle file and the key.</p>"
    )
    return f"{dl}<h3>Signed checkpoint</h3><pre>{escape(v.checkpoint)}</pre>{how}{leaves}"


def render_html(report: IncidentReport, map_png: bytes | None, bundle_name: str = "BUNDLE") -> str:
    """The whole page."""
    map_html = (
        f'<img alt="map of case {escape(report.case_id)}" '
        f'src="data:image/png;base64,{base64.b64encode(map_png).decode("ascii")}">'
        if map_png
        else "<p>No entry of this case carries a position.</p>"
    )
    plans = _entries_table(
        report.plans,
        "No drift or search plan is recorded in the ledger for this case (plans are recorded "
        "when a drift run or search plan is attached to the case).",
    )
    body = [
        f"<h1>Incident report — case {escape(report.case_id)}</h1>",
        f'<div class="sub">Built from the ledger bundle {escape(bundle_name)} on '
        f"{_t(time=report.generated_at)}. Every row names the ledger entry it comes from.</div>",
        _banner(report),
        "<h2>1. Summary</h2>",
        _summary(report),
        "<h2>2. Map</h2>",
        map_html,
        _positions(report) if report.points else "",
        "<h2>3. Timeline</h2>",
        _timeline(report),
        "<h2>4. Calls and sightings</h2>",
        _calls(report),
        "<h2>5. Decisions, with the advice in front of the decider</h2>",
        _decisions(report),
        "<h3>Refused attempts</h3>",
        _entries_table(report.refused, "No command was refused."),
        "<h2>6. Drift and search</h2>",
        plans,
        "<h3>Units tasked</h3>",
        _entries_table(report.tasks, "No unit was tasked."),
        "<h2>7. Outcomes and persons</h2>",
        _entries_table(report.outcomes, "No outcome is recorded."),
        "<h2>8. Verification data</h2>",
        _verification(report, bundle_name),
        "<footer>ChannelWatch incident report. People aboard are counted, never identified. "
        "This page is derived from the ledger bundle; the bundle and its proofs are the "
        "evidence.</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Incident report {escape(report.case_id)}</title><style>{_CSS}</style></head>"
        "<body>" + "\n".join(body) + "</body></html>\n"
    )
