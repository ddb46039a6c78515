"""The inquiry bundle as one self-contained HTML page (no scripts run, no external assets).

The page shows the timeline for a reader and embeds the bundle's canonical JSON in a
``<script type="application/json">`` element for the verifier. The page is a pure function of
the bundle, so the verifier re-renders it and compares every byte: what the reader sees is what
was verified.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from channelwatch.ledger.canonical import canonical_json
from channelwatch.ledger.errors import LedgerInputError

EMBED_OPEN = '<script type="application/json" id="channelwatch-bundle">'
EMBED_CLOSE = "</script>"

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:72rem;padding:0 1rem;color:#111;line-height:1.4}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#f0f0f0}tr.decided td{background:#fff6e0}tr.advised td{background:#eef5ff}
.tag{font-weight:bold;text-transform:uppercase;font-size:.75rem}
dl{margin:0;display:grid;grid-template-columns:max-content auto;gap:0 .6rem}
dt{font-weight:600}dd{margin:0;word-break:break-word}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8rem}
pre{background:#f7f7f7;padding:.5rem;white-space:pre-wrap;word-break:break-all}
.small{font-size:.8rem;color:#444}
@media print{details{display:block}details>*{display:block}}
"""


def _time(text: str) -> str:
    """``2024-11-24T01:02:03.000000Z`` → ``2024-11-24 01:02:03 UTC`` (the full value in a tip)."""
    short = text[:19].replace("T", " ") + " UTC"
    return f'<time datetime="{escape(text)}" title="{escape(text)}">{escape(short)}</time>'


def _row(row: Mapping[str, Any]) -> str:
    details = "".join(
        f"<dt>{escape(str(k))}</dt><dd>{escape(str(v))}</dd>" for k, v in row["details"]
    )
    policy = row.get("policy_hash")
    if policy:
        details += f'<dt>policy</dt><dd><code title="{escape(policy)}">{escape(policy[:16])}'
        details += "…</code></dd>"
    kind = escape(str(row["kind"]))
    return (
        f'<tr class="{kind}"><td>{int(row["index"])}</td><td>{_time(str(row["time"]))}</td>'
        f"<td>{escape(str(row['actor']))}</td><td>{escape(str(row['type']))}</td>"
        f'<td><span class="tag">{kind}</span></td><td><dl>{details}</dl></td></tr>\n'
    )


def _proof(item: Mapping[str, Any]) -> str:
    path = "".join(f"<li><code>{escape(str(h))}</code></li>" for h in item["inclusion_proof"])
    return (
        f"<details><summary>Entry {int(item['index'])}</summary>"
        f"<pre>{escape(str(item['entry']))}</pre>"
        f"<p class=small>Inclusion proof, from the leaf up:</p><ol>{path}</ol></details>\n"
    )


def render_html(bundle: Mapping[str, Any]) -> str:
    """The page for a bundle (a pure function: the same bundle gives the same bytes)."""
    embedded = canonical_json(bundle, "bundle").decode("utf-8").replace("<", "\\u003c")
    case = escape(str(bundle["case_id"]))
    note = str(bundle["checkpoint"])
    lines = note.split("\n")
    size, signed = (lines[1], lines[3][5:]) if len(lines) > 3 else ("?", "?")
    rows = "".join(_row(r) for r in bundle["timeline"])
    proofs = "".join(_proof(e) for e in bundle["entries"])
    decided = sum(1 for r in bundle["timeline"] if r["kind"] == "decided")
    advised = sum(1 for r in bundle["timeline"] if r["kind"] == "advised")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Inquiry bundle: case {case}</title><style>{_STYLE}</style></head><body>\n"
        f"<h1>Inquiry bundle: case <code>{case}</code></h1>\n"
        f"<p>{len(bundle['entries'])} entries of the ChannelWatch record "
        f"<code>{escape(str(bundle['origin']))}</code> ({advised} advice, {decided} decisions), "
        f"each with a proof that it is entry <em>i</em> of the record of {escape(size)} entries "
        f"signed at {escape(signed)}. Times are UTC. Advice is what the software proposed; "
        f"decisions are what a person decided.</p>\n"
        "<p class=small>To check this file offline: <code>channelwatch ledger verify-bundle "
        "FILE --pubkey KEY</code> or <code>python -m channelwatch.ledger.offline FILE KEY</code>, "
        "with the public key obtained from the record's keeper, not from this file.</p>\n"
        "<h2>Timeline</h2>\n<table><thead><tr><th>#</th><th>Time (UTC)</th><th>Actor</th>"
        f"<th>Event</th><th>What</th><th>Details</th></tr></thead><tbody>\n{rows}</tbody></table>\n"
        f"<h2>Signed checkpoint</h2>\n<pre>{escape(note)}</pre>\n"
        f"<h2>Public key (as the record states it)</h2>\n"
        f"<pre>{escape(str(bundle['public_key']))}</pre>\n"
        f"<h2>Entries and proofs</h2>\n{proofs}"
        f"{EMBED_OPEN}{embedded}{EMBED_CLOSE}\n</body></html>\n"
    )


def extract_embedded(page: str) -> str:
    """The bundle JSON embedded in a page rendered by :func:`render_html`."""
    start = page.find(EMBED_OPEN)
    end = page.find(EMBED_CLOSE, start + len(EMBED_OPEN)) if start >= 0 else -1
    if start < 0 or end < 0:
        raise LedgerInputError("the page has no embedded ChannelWatch bundle")
    return page[start + len(EMBED_OPEN) : end]
