"""Incident reports for an inquiry, built from a case's ledger bundle (HTML and PDF).

``model`` turns the bundle (``channelwatch ledger export``) into report sections without I/O;
``verification`` runs the ledger's offline verifier; ``figures`` draws the case map; ``html`` and
``pdf`` render. Nothing in a report is typed by hand: every line comes from a ledger entry whose
index is shown, so a reader can check it against the bundle.
"""
