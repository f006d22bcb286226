"""Signals: time-series points produced by loaders, their storage, ingestion and queries."""
