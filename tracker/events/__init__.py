"""Events area."""
