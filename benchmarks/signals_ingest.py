"""Signals ingestion throughput through `vigil.signals.ingest.ingest` (COPY into a temp table,
one upsert, rollup 1m/1h/1d maintenance, partitions, version bump). Target: ≥ 100,000
points/s sustained on a 2-core machine. Prints one JSON document.

Creates its own database on BENCH_DATABASE_URL (default: the local PostgreSQL) and drops it.

Run: .venv/bin/python benchmarks/signals_ingest.py [points] [batch]
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "layers" / "core" / "python"))

from vigil import db as db_adapter  # noqa: E402
from vigil.migrations import migrate  # noqa: E402
from vigil.signals.ingest import ingest  # noqa: E402
from vigil.signals.models import SignalPoint  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TARGET_POINTS_PER_SECOND = 100_000
T0 = 1_798_761_600  # 2027-01-01 00:00 UTC
SEGMENTS = [f"SEG{i:02d}" for i in range(10)]


def make_points(n: int, *, loader: str, start: int, step: int = 10, shift: float = 0.0) -> list[SignalPoint]:
    """`n` points over len(SEGMENTS) segments, one every `step` s per segment (built without
    validation: the benchmark measures storage, not pydantic)."""
    out = []
    per = len(SEGMENTS)
    for i in range(n):
        t = start + (i // per) * step
        v = (i % 97) * 1.5 + shift
        out.append(SignalPoint.model_construct(
            loader_code=loader, segment_code=SEGMENTS[i % per], load_time_stamp=t, rec_count=i % 50,
            max_val=v + 5, min_val=v - 5, avg_val=v, sum_val=v * (i % 50)))
    return out


def timed(database: db_adapter.Database, points: list[SignalPoint], batch: int) -> float:
    started = time.perf_counter()
    for i in range(0, len(points), batch):
        ingest(database, points[i:i + batch])
    return time.perf_counter() - started


def main(n: int, batch: int) -> dict:
    name = f"vigil_bench_{uuid.uuid4().hex[:8]}"
    db_adapter.admin_execute(ADMIN_URL, [f'CREATE DATABASE "{name}"'])
    database = db_adapter.Database(db_adapter.with_database(ADMIN_URL, name), min_size=1, max_size=2,
                                   statement_timeout_ms=600_000)
    try:
        migrate(database)
        fresh = make_points(n, loader="BENCH_INGEST", start=T0)
        ingest(database, make_points(1000, loader="WARM_UP", start=T0))
        fresh_s = timed(database, fresh, batch)
        same_s = timed(database, fresh, batch)  # a loader re-reading its window: nothing changes
        changed = make_points(n // 5, loader="BENCH_INGEST", start=T0, shift=0.25)
        changed_s = timed(database, changed, batch)  # replaced values: dirty buckets recomputed
        small = make_points(20_000, loader="BENCH_SMALL", start=T0)
        small_s = timed(database, small, 100)  # many small requests (bulk API sized)
        # Loaders ingest side by side: two writers (one per core), each its own loader.
        pair = [make_points(n // 2, loader=f"BENCH_PAIR_{i}", start=T0) for i in range(2)]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda pts: timed(database, pts, batch), pair))
        parallel_s = time.perf_counter() - started
        rows = database.scalar("SELECT count(*) FROM signals_history")
        return {
            "benchmark": "signals_ingest",
            "points": n,
            "batch": batch,
            "fresh_points_per_second": round(n / fresh_s),
            "identical_reingest_points_per_second": round(n / same_s),
            "changed_reingest_points_per_second": round(len(changed) / changed_s),
            "small_batches_of_100_points_per_second": round(len(small) / small_s),
            "two_writers_points_per_second": round(n / parallel_s),
            "rows_stored": rows,
            "load_average_1m": round(os.getloadavg()[0], 2),  # other work on the machine
            "target_points_per_second": TARGET_POINTS_PER_SECOND,
            "meets_target_one_writer": n / fresh_s >= TARGET_POINTS_PER_SECOND,
            "meets_target_two_writers": n / parallel_s >= TARGET_POINTS_PER_SECOND,
        }
    finally:
        database.close()
        db_adapter.admin_execute(ADMIN_URL, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


if __name__ == "__main__":
    points = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    batch_size = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
    print(json.dumps(main(points, batch_size), indent=2))
