"""Integrations with external systems (ticketing). Each system is a sub-package."""
