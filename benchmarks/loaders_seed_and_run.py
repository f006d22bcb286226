"""Loaders: how long the demo seed takes on a fresh database (target < 5 s: it runs at every
start of the local runtime), and the end-to-end time of loader runs (queue handler → source
query → ingest → execution recorded). Prints one JSON document.

Run: .venv/bin/python benchmarks/loaders_seed_and_run.py [runs]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

from tests.support import services as services_mod  # noqa: E402
from vigil import db as db_adapter  # noqa: E402
from vigil import settings as settings_mod  # noqa: E402
from vigil.local.runtime import reset_adapters  # noqa: E402

TARGET_SEED_SECONDS = 5.0


def main(runs: int) -> dict:
    svc = services_mod.start(Path(tempfile.mkdtemp(prefix="vigil-bench-")))
    settings_mod.configure(svc.settings)
    reset_adapters()
    from vigil.db import get_database
    from vigil.loaders import demo, runner
    from vigil.migrations import migrate
    from vigil.redis import get_store

    db = get_database()
    migrate(db)
    try:
        started = time.perf_counter()
        demo.seed(db, database_url=svc.database_url, connect_timeout=5)
        seed_seconds = time.perf_counter() - started
        points = int(db.scalar("SELECT count(*) FROM signals_history"))
        started = time.perf_counter()
        demo.seed(db, database_url=svc.database_url, connect_timeout=5)
        reseed_seconds = time.perf_counter() - started
        loader = db.fetch_one("SELECT id::text AS id FROM loaders WHERE loader_code = 'DEMO_PAYMENTS'")
        assert loader is not None
        durations = []
        for i in range(runs):
            execution_id = f"00000000-0000-4000-8000-{i:012d}"
            t0 = time.perf_counter()
            outcome = runner.execute(db, get_store(), loader_code="DEMO_PAYMENTS", execution_id=execution_id,
                                     trigger="MANUAL", attempt=1, max_attempts=3)
            durations.append((time.perf_counter() - t0) * 1000)
            assert outcome == "success", outcome
        return {
            "benchmark": "loaders_seed_and_run",
            "seed_seconds": round(seed_seconds, 2),
            "seed_target_seconds": TARGET_SEED_SECONDS,
            "seed_within_target": seed_seconds < TARGET_SEED_SECONDS,
            "backfilled_points": points,
            "reseed_seconds": round(reseed_seconds, 3),
            "run_ms_p50": round(statistics.median(durations), 1),
            "run_ms_max": round(max(durations), 1),
            "runs": runs,
        }
    finally:
        role = demo.role_name(svc.database_name)
        svc.close()
        db_adapter.admin_execute(svc.admin_url, [f"DROP ROLE IF EXISTS {role}"])


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)))
