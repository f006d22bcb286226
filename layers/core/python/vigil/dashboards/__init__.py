"""Dashboards: chart definitions placed on a grid, sharing a time range and variables."""
