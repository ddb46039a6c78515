"""Command-line interface: one module per command group, discovered at start-up."""
