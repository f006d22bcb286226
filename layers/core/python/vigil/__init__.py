"""Vigil: the shared Lambda layer holding all domain code of the platform."""
