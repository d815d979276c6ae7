"""Tables (being built)."""
