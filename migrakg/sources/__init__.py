"""Readers: one module per input kind, each turning a source into RDF records (pure: no HTTP, no CLI)."""
