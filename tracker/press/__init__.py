"""The public press page: published releases and their Atom feeds, without sign-in (docs/press.md)."""
