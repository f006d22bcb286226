"""One alert evaluation cycle over 10,000 active rules on 1,000 loaders (a fifth of them
baseline rules), through `vigil.alerting.evaluator.run_cycle`. Target: ≤ 5 s on 2 cores.
Prints one JSON document.

Creates its own database on BENCH_DATABASE_URL (default: the local PostgreSQL), a Redis key
prefix on BENCH_REDIS_URL (default: the local Redis) and an embedded moto server for the
event bus; removes them at the end.

Run: .venv/bin/python benchmarks/alerting_cycle.py [rules] [loaders]
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
import uuid

from vigil import db as db_adapter
from vigil import settings as settings_mod
from vigil.alerting import evaluator
from vigil.alerting import repository as alert_repo
from vigil.charts import repository as chart_repo
from vigil.local.embedded import Embedded
from vigil.migrations import migrate
from vigil.platform.bootstrap import bootstrap
from vigil.platform.resources import ResourceDefinition
from vigil.redis import Store
from vigil.settings import Settings
from vigil.signals.ingest import ingest
from vigil.signals.models import SignalPoint

ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
TARGET_SECONDS = 5.0
NOW = 1_798_797_600  # 2027-01-01 10:00 UTC
HISTORY_MINUTES = 90


def seed(database: db_adapter.Database, n_rules: int, n_loaders: int) -> None:
    points = []
    for li in range(n_loaders):
        code = f"BENCH_L{li:04d}"
        for back in (0, 86400):  # now and yesterday, for the baseline rules
            for m in range(HISTORY_MINUTES):
                t = NOW - back - m * 60
                v = 50 + 10 * math.sin(m / 7 + li) + (30 if back == 0 and li % 10 == 0 and m < 10 else 0)
                points.append(SignalPoint.model_construct(
                    loader_code=code, segment_code="ALL", load_time_stamp=t, rec_count=10,
                    avg_val=v, min_val=v - 5, max_val=v + 5, sum_val=v * 10))
    for i in range(0, len(points), 50_000):
        ingest(database, points[i:i + 50_000])
    with database.session() as s:
        chart_ids = []
        for li in range(n_loaders):
            definition = {"chartName": f"L{li}", "chartType": "line",
                          "dataSource": {"service": "signals", "endpoint": "/api/v1/signals/query",
                                         "params": {"loaderCode": f"BENCH_L{li:04d}", "aggregation": "raw"}},
                          "visualization": {"yAxis": ["avgVal", "maxVal"]}}
            chart_ids.append(chart_repo.insert(s, definition=definition, author="bench")["id"])
        for ri in range(n_rules):
            li = ri % n_loaders
            rule = {"ruleName": f"rule {ri}", "chartId": chart_ids[li], "loaderCode": f"BENCH_L{li:04d}",
                    "metric": "avgVal", "severity": "HIGH", "suppressionWindow": "30m", "noData": "keep",
                    "evaluationInterval": "30s", "labels": {"team": f"t{ri % 7}"}}
            if ri % 5 == 0:
                rule["baseline"] = {"compareTo": "yesterday", "mode": "percent", "operator": ">",
                                    "threshold": 40 + ri % 20, "window": "15m"}
            else:
                rule["conditions"] = [{"operator": ">", "threshold": 60 + ri % 20, "duration": "5m"}]
            alert_repo.insert_rule(s, definition=rule, interval=30, author="bench")
        s.execute("UPDATE alert_rules SET next_evaluation_at = to_timestamp(%s)", (NOW,))


def main(n_rules: int, n_loaders: int) -> dict:
    name = f"vigil_bench_{uuid.uuid4().hex[:8]}"
    embedded = Embedded()
    prefix = f"vigil-bench-{uuid.uuid4().hex[:6]}:"
    db_adapter.admin_execute(ADMIN_URL, [f'CREATE DATABASE "{name}"'])
    url = db_adapter.with_database(ADMIN_URL, name)
    store = Store(REDIS_URL, prefix=prefix)
    database = db_adapter.Database(url, min_size=1, max_size=4, statement_timeout_ms=600_000)
    try:
        settings_mod.configure(Settings(database_url=url, redis_url=REDIS_URL, redis_key_prefix=prefix,
                                        aws_endpoint_url=embedded.moto(), resource_prefix="bench-"))
        bootstrap(ResourceDefinition())
        migrate(database)
        t0 = time.perf_counter()
        seed(database, n_rules, n_loaders)
        seed_s = time.perf_counter() - t0
        report = evaluator.run_cycle(db=database, store=store, now=NOW)
        second = evaluator.run_cycle(db=database, store=store, now=NOW + 30)  # rules are due again
        return {
            "benchmark": "alerting_cycle",
            "rules": n_rules, "loaders": n_loaders, "baseline_rules": n_rules // 5,
            "seed_seconds": round(seed_s, 1),
            "cycle_seconds": round(report.duration_ms / 1000, 3),
            "second_cycle_seconds": round(second.duration_ms / 1000, 3),
            "evaluated": report.evaluated, "signal_queries": report.queries, "triggered": report.triggered,
            "target_seconds": TARGET_SECONDS,
            "meets_target": max(report.duration_ms, second.duration_ms) / 1000 <= TARGET_SECONDS,
        }
    finally:
        database.close()
        store.delete_prefixed()
        db_adapter.admin_execute(ADMIN_URL, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])
        embedded.stop()
        settings_mod.configure(None)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(json.dumps(main(*(args or [10_000, 1_000])), indent=2))
