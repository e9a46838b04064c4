"""Mail area."""
