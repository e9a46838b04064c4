"""Directory area."""
