"""Cross-cutting governance: rate limits and the audit trail."""
