"""Federation between coordination centres over NATS JetStream.

CROSS Gris-Nez and HM Coastguard Dover each run a node on their own ledger. What a centre shares
(tracks, contacts, case events, handover requests and answers) is recorded in its ledger first,
stripped for the partner (:mod:`.share`), and published to its durable stream with the proofs
that bind it to its signed checkpoint (:mod:`.envelope`, :mod:`.outbox`). The partner checks those
(:mod:`.verify`), records what it received with the sender's checkpoint, and applies it once
(:mod:`.node`, :mod:`.state`) before acknowledging (:mod:`.link`). A case moves between centres
only when an operator of the receiving centre accepts (:mod:`.commands`).

    from channelwatch.federation import Link, LinkConfig, open_node, run_link
    node = open_node("GB", "gb.db", partner_keys={"FR": fr_key})
    asyncio.run(run_link(node, LinkConfig("nats://127.0.0.1:4222")))

See docs/federation.md.
"""

from __future__ import annotations

from channelwatch.federation.commands import case_ref, parse_case_ref
from channelwatch.federation.envelope import Envelope, envelope_from_bytes, stream_name, subject
from channelwatch.federation.errors import (
    EnvelopeError,
    FederationError,
    FederationInputError,
    VerificationError,
)
from channelwatch.federation.link import Link, LinkConfig, LinkStats
from channelwatch.federation.node import Node, Outcome, Receipt, open_node
from channelwatch.federation.runner import run_link
from channelwatch.federation.share import Kind, classify, redact, share
from channelwatch.federation.state import NodeState, PartnerView

__all__ = [
    "Envelope",
    "EnvelopeError",
    "FederationError",
    "FederationInputError",
    "Kind",
    "Link",
    "LinkConfig",
    "LinkStats",
    "Node",
    "NodeState",
    "Outcome",
    "PartnerView",
    "Receipt",
    "VerificationError",
    "case_ref",
    "classify",
    "envelope_from_bytes",
    "open_node",
    "parse_case_ref",
    "redact",
    "run_link",
    "share",
    "stream_name",
    "subject",
]
