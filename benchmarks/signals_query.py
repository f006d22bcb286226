"""Signals query engine on ≥ 10 million raw rows. Prints one JSON document.

Targets (issue 5): 30-day range, 1h buckets, avg: uncached p50 ≤ 50 ms, cached p50 ≤ 5 ms;
1M raw points → LTTB 2,000 through the HTTP API end to end ≤ 300 ms. Also the seed's two
reference figures: 1M signals uncached with sampling (< 2 s) and cached (< 200 ms), at the
default limit of 10,000.

Dataset (generated in SQL with generate_series, then `service.rebuild_rollups`, the documented
bulk path for rows not written through `ingest`):
- BENCH_QUERY: 10 segments, one point every 30 s for 347 days = 10,000,000 rows;
- BENCH_RAW: 1 segment, one point per second for 11.6 days = 1,000,000 rows.

"HTTP" figures go through a real socket: a threaded WSGI server running the signals app
behind the local runtime's gateway (JWT check, rate limit, parsing, JSON), like `vigil run`.
"Engine" figures call `vigil.signals.query.run` directly. Uncached = a Redis miss (the database
pages are warm, as in production); every uncached HTTP request uses a new toEpoch.

Creates its own database on BENCH_DATABASE_URL (default: the local PostgreSQL) and Redis key
prefix on BENCH_REDIS_URL (default: the local Redis); drops both at the end.

Run: .venv/bin/python benchmarks/signals_query.py [query_rows]
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "core" / "python"))

from pydantic import SecretStr  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from vigil import db as db_adapter  # noqa: E402
from vigil import settings as settings_mod  # noqa: E402
from vigil.identity.models import Principal, Role  # noqa: E402
from vigil.identity.tokens import issue_access_token  # noqa: E402
from vigil.local.apps import FUNCTIONS_DIR, load_app  # noqa: E402
from vigil.local.gateway import Gateway  # noqa: E402
from vigil.local.runtime import reset_adapters  # noqa: E402
from vigil.migrations import migrate  # noqa: E402
from vigil.redis import Store  # noqa: E402
from vigil.signals import partitions, query, service  # noqa: E402
from vigil.signals.schemas import SignalQuery  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
T0 = 1_767_225_600  # 2026-01-01 00:00 UTC
STEP, SEGMENTS = 30, 10
RAW_POINTS = 1_000_000
RAW_T0 = T0 + 100 * 86400
TARGETS_MS = {"avg_1h_30d_uncached_p50": 50, "avg_1h_30d_cached_p50": 5, "raw_1m_lttb_2000_http_p50": 300,
              "seed_1m_uncached_sampled": 2000, "seed_1m_cached": 200}


def generate(database: db_adapter.Database, query_rows: int) -> dict:
    steps = query_rows // SEGMENTS
    end = T0 + steps * STEP
    started = time.perf_counter()
    with database.session() as s:
        partitions.ensure(s, partitions.months_between(datetime.fromtimestamp(T0, UTC),
                                                       datetime.fromtimestamp(max(end, RAW_T0 + RAW_POINTS), UTC)))
    chunk = 86400 * 7 // STEP  # one week of timestamps per transaction
    for first in range(0, steps, chunk):
        last = min(first + chunk, steps) - 1
        database.execute(
            "INSERT INTO signals_history (loader_code, segment_code, load_time_stamp, rec_count, max_val, "
            "min_val, avg_val, sum_val) "
            "SELECT 'BENCH_QUERY', 'SEG' || lpad(sg::text, 2, '0'), to_timestamp(%(t0)s + i * %(step)s), "
            "  (50 + sg * 10 + (i %% 17))::bigint, v + 20, v - 20, v, v * (50 + sg * 10 + (i %% 17)) "
            "FROM generate_series(%(a)s::int, %(b)s::int) i CROSS JOIN generate_series(0, %(segs)s::int - 1) sg "
            "CROSS JOIN LATERAL (SELECT 100 + 40 * sin(2 * pi() * ((i * %(step)s) %% 86400) / 86400.0) "
            "  + 5 * sg + (hashint4(i * 31 + sg) %% 100) / 10.0 AS v) x",
            {"t0": T0, "step": STEP, "a": first, "b": last, "segs": SEGMENTS},
        )
    database.execute(
        "INSERT INTO signals_history (loader_code, segment_code, load_time_stamp, rec_count, max_val, min_val, "
        "avg_val, sum_val) SELECT 'BENCH_RAW', 'ALL', to_timestamp(%(t0)s + i), 1 + i %% 7, v + 1, v - 1, v, v "
        "FROM generate_series(0, %(n)s::int - 1) i "
        "CROSS JOIN LATERAL (SELECT 50 + 30 * sin(i / 5000.0) + (hashint4(i) %% 100) / 20.0 AS v) x",
        {"t0": RAW_T0, "n": RAW_POINTS},
    )
    generated = time.perf_counter() - started
    started = time.perf_counter()
    for loader in ("BENCH_QUERY", "BENCH_RAW"):
        service.rebuild_rollups(database, loader_code=loader)
    database.execute("ANALYZE")
    return {"rows": database.scalar("SELECT count(*) FROM signals_history"), "generate_seconds": round(generated, 1),
            "rollup_rebuild_seconds": round(time.perf_counter() - started, 1), "data_end": end}


def p50_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def timed(fn, n: int) -> list[float]:  # noqa: ANN001
    out = []
    for i in range(n):
        started = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - started)
    return out


def main(query_rows: int) -> dict:
    run_id = uuid.uuid4().hex[:8]
    name = f"vigil_bench_{run_id}"
    db_adapter.admin_execute(ADMIN_URL, [f'CREATE DATABASE "{name}"'])
    settings_mod.configure(settings_mod.Settings(
        stage="test", database_url=db_adapter.with_database(ADMIN_URL, name), redis_url=REDIS_URL,
        redis_key_prefix=f"vigil-bench-{run_id}:", jwt_secret=SecretStr("bench-secret-" + "x" * 40),
        rate_limit_per_minute=10_000_000, db_pool_max=4, db_statement_timeout_ms=900_000,
    ))
    reset_adapters()
    server = None
    try:
        database = db_adapter.get_database()
        migrate(database)
        data = generate(database, query_rows)
        store = Store(REDIS_URL, prefix=f"vigil-bench-{run_id}:")
        out: dict = {"benchmark": "signals_query", "dataset": data}

        # Engine: 30-day range ending at the data's end (mid-bucket edges), 1h buckets, avg.
        end = data["data_end"] - 1234
        q30 = SignalQuery(loader_code="BENCH_QUERY", from_epoch=end - 30 * 86400, to_epoch=end,
                          aggregation="avg", bucket="1h")
        result = query.run(db=database, store=None, q=q30)
        out["avg_1h_30d_points"] = len(result.data_points)
        out["avg_1h_30d_uncached_p50_ms"] = p50_ms(timed(lambda i: query.run(db=database, store=None, q=q30), 30))
        query.run(db=database, store=store, q=q30)
        out["avg_1h_30d_cached_p50_ms"] = p50_ms(timed(lambda i: query.run(db=database, store=store, q=q30), 200))
        out["avg_1h_30d_cached_json_p50_ms"] = p50_ms(
            timed(lambda i: query.run_json(db=database, store=store, q=q30), 200))

        # HTTP through a real socket.
        gateway = Gateway([load_app(FUNCTIONS_DIR / "signals" / "app.py")])
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = make_server("127.0.0.1", 0, gateway, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        token, _ = issue_access_token(Principal("bench", "bench", Role.VIEWER))
        base = f"http://127.0.0.1:{server.server_port}/api/v1/signals/query?"

        def get(params: dict) -> dict:
            req = urllib.request.Request(base + urllib.parse.urlencode(params),
                                         headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(req, timeout=60) as resp:
                return json.loads(resp.read())

        p30 = {"loaderCode": "BENCH_QUERY", "fromEpoch": end - 30 * 86400, "aggregation": "avg", "bucket": "1h"}
        out["http_avg_1h_30d_uncached_p50_ms"] = p50_ms(timed(lambda i: get({**p30, "toEpoch": end + 1 + i}), 30))
        get({**p30, "toEpoch": end})
        out["http_avg_1h_30d_cached_p50_ms"] = p50_ms(timed(lambda i: get({**p30, "toEpoch": end}), 200))

        raw_to = RAW_T0 + RAW_POINTS - 1
        praw = {"loaderCode": "BENCH_RAW", "fromEpoch": RAW_T0}
        first = get({**praw, "toEpoch": raw_to, "limit": 2000})
        out["raw_original_points"] = first["originalPoints"]
        out["raw_returned_points"] = len(first["dataPoints"])
        out["http_raw_1m_lttb_2000_uncached_p50_ms"] = p50_ms(
            timed(lambda i: get({**praw, "toEpoch": raw_to + 1 + i, "limit": 2000}), 9))
        out["http_raw_1m_lttb_2000_cached_p50_ms"] = p50_ms(
            timed(lambda i: get({**praw, "toEpoch": raw_to, "limit": 2000}), 50))
        # The seed's reference figures: 1M signals, default limit (10,000) sampling.
        out["seed_http_1m_uncached_sampled_p50_ms"] = p50_ms(
            timed(lambda i: get({**praw, "toEpoch": raw_to + 100 + i}), 7))
        get({**praw, "toEpoch": raw_to})
        out["seed_http_1m_cached_p50_ms"] = p50_ms(timed(lambda i: get({**praw, "toEpoch": raw_to}), 50))
        out["load_average_1m"] = round(os.getloadavg()[0], 2)  # other work on the machine
        out["targets_ms"] = TARGETS_MS
        store.delete_prefixed()
        store.close()
        return out
    finally:
        if server is not None:
            server.shutdown()
        reset_adapters()
        settings_mod.configure(None)
        db_adapter.admin_execute(ADMIN_URL, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


if __name__ == "__main__":
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    print(json.dumps(main(rows), indent=2))
