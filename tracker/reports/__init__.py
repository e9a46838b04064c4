"""Reports area."""
