"""Known signal data for tests, written through the one ingest entry point."""

from __future__ import annotations

import uuid

from vigil.db import get_database
from vigil.signals.ingest import ingest
from vigil.signals.models import SignalPoint


def new_loader_code(prefix: str = "T") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8].upper()}"


def write_series(loader_code: str, points: list[tuple[int, float]], *, segment: str = "ALL",
                 rec_count: int = 1) -> None:
    """One point per (epoch seconds, value): avg = min = max = value, sum = value × count."""
    ingest(get_database(), [
        SignalPoint(loader_code=loader_code, segment_code=segment, load_time_stamp=ts, rec_count=rec_count,
                    avg_val=v, min_val=v, max_val=v, sum_val=v * rec_count)
        for ts, v in points
    ])
