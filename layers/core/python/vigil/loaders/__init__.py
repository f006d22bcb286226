"""Loaders: source databases (with read-only compliance), the segments dictionary, loader
definitions, and their scheduled execution into signals."""
