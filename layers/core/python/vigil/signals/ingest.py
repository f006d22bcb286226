"""Write signal points: idempotent upsert on (loader, segment, time).

This is the one entry point for every producer (bulk API, loader runs, demo seed), so
partition creation and any derived data stay consistent with the raw rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from vigil.db import Database, Session
from vigil.signals import partitions
from vigil.signals.models import SignalPoint

_UPSERT = """
INSERT INTO signals_history (loader_code, segment_code, load_time_stamp, rec_count,
                             max_val, min_val, avg_val, sum_val)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (loader_code, segment_code, load_time_stamp) DO UPDATE SET
    rec_count = EXCLUDED.rec_count, max_val = EXCLUDED.max_val, min_val = EXCLUDED.min_val,
    avg_val = EXCLUDED.avg_val, sum_val = EXCLUDED.sum_val, ingested_at = now()
"""


def ingest(db: Database, points: Sequence[SignalPoint]) -> int:
    """Store `points` in one transaction; return how many were written."""
    if not points:
        return 0
    with db.session() as s:
        return ingest_in(s, points)


def ingest_in(s: Session, points: Sequence[SignalPoint]) -> int:
    """The same, inside a caller's transaction."""
    times = {datetime.fromtimestamp(p.load_time_stamp, UTC) for p in points}
    partitions.ensure(s, times)
    s.execute_many(
        _UPSERT,
        [
            (p.loader_code, p.segment_code, datetime.fromtimestamp(p.load_time_stamp, UTC),
             p.rec_count, p.max_val, p.min_val, p.avg_val, p.sum_val)
            for p in points
        ],
    )
    return len(points)
