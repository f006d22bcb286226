"""Web app rendering in headless Chromium (issue 11). Prints one JSON document.

Targets: the signals explorer is interactive ≤ 1 s after the data arrives for a 30-day range of
1,000,000 raw points (the API downsamples with LTTB); a dashboard of 12 charts renders completely
≤ 2 s. Measured with performance marks by benchmarks/frontend_render.mjs (playwright-core
driving Debian's /usr/bin/chromium).

Setup: a database of its own on BENCH_DATABASE_URL (default: the local PostgreSQL) with 1M raw
points of loader FE_BENCH over the last 30 days (generated in SQL, rollups rebuilt), a Redis key
prefix on BENCH_REDIS_URL, then `vigil run` on a free port serving frontend/dist (built first
when missing), 12 charts and a dashboard created through the API. Everything is dropped at the
end.

Run: .venv/bin/python benchmarks/frontend_render.py
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "core" / "python"))

from pydantic import SecretStr  # noqa: E402

from vigil import db as db_adapter  # noqa: E402
from vigil import settings as settings_mod  # noqa: E402
from vigil.local.runtime import reset_adapters  # noqa: E402
from vigil.migrations import migrate  # noqa: E402
from vigil.redis import Store  # noqa: E402
from vigil.signals import partitions, service  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
LOADER = "FE_BENCH"
RAW_POINTS = 1_000_000
CHARTS = 12
METRICS = ["avgVal", "maxVal", "minVal", "sumVal", "recCount"]


def generate(database: db_adapter.Database, end: int) -> None:
    # One point every 2 s (whole seconds, as loaders write them): 1M points over the last 23 days.
    step = 2
    start = end - RAW_POINTS * step
    with database.session() as s:
        months = partitions.months_between(datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC))
        partitions.ensure(s, months)
    database.execute(
        "INSERT INTO signals_history (loader_code, segment_code, load_time_stamp, rec_count, max_val, min_val, "
        "avg_val, sum_val) "
        "SELECT %(loader)s, 'ALL', to_timestamp(%(t0)s + i * %(step)s), 1 + i %% 7, v + 1, v - 1, v, v "
        "FROM generate_series(0, %(n)s::int - 1) i "
        "CROSS JOIN LATERAL (SELECT 50 + 30 * sin(i / 5000.0) + (hashint4(i) %% 100) / 20.0 AS v) x",
        {"loader": LOADER, "t0": start, "step": step, "n": RAW_POINTS},
    )
    service.rebuild_rollups(database, loader_code=LOADER)
    database.execute("ANALYZE")


def call(base: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json",
                                          **({"Authorization": f"Bearer {token}"} if token else {})},
                                 method="GET" if body is None else "POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"{}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_built() -> None:
    frontend = ROOT / "frontend"
    if not (frontend / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=frontend, check=True)
    if not (frontend / "dist" / "index.html").exists():
        subprocess.run(["npm", "run", "--silent", "build"], cwd=frontend, check=True, stdout=subprocess.DEVNULL)


def main() -> dict:
    ensure_built()
    run_id = uuid.uuid4().hex[:8]
    name = f"vigil_febench_{run_id}"
    prefix = f"vigil-febench-{run_id}:"
    db_adapter.admin_execute(ADMIN_URL, [f'CREATE DATABASE "{name}"'])
    database_url = db_adapter.with_database(ADMIN_URL, name)
    settings_mod.configure(settings_mod.Settings(
        stage="test", database_url=database_url, redis_url=REDIS_URL, redis_key_prefix=prefix,
        jwt_secret=SecretStr("bench-secret-" + "x" * 40), db_pool_max=2, db_statement_timeout_ms=900_000,
    ))
    reset_adapters()
    proc = None
    dist = None
    try:
        database = db_adapter.get_database()
        migrate(database)
        started = time.perf_counter()
        generate(database, int(time.time()))
        setup_seconds = round(time.perf_counter() - started, 1)
        reset_adapters()

        # A private copy of the build, so a rebuild elsewhere cannot change it mid-measurement.
        work = Path(tempfile.mkdtemp(prefix="vigil-febench-"))
        dist = shutil.copytree(ROOT / "frontend" / "dist", work / "dist")
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("AWS_ENDPOINT_URL", "MOTO_PORT")}
        env.update({"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": prefix,
                    "RESOURCE_PREFIX": f"feb{run_id}-", "PORT": str(port),
                    "VIGIL_DATA_DIR": str(work / "data"),
                    "FRONTEND_DIST": str(dist), "SCHEDULES_ENABLED": "false",
                    "RATE_LIMIT_PER_MINUTE": "1000000", "ANONYMOUS_RATE_LIMIT_PER_MINUTE": "1000000",
                    "LOG_LEVEL": "WARNING"})
        proc = subprocess.Popen([sys.executable, "-m", "vigil.cli", "run"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 120
        while True:
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("the platform did not start")
            try:
                call(base, "/api/v1/health")
                break
            except OSError:
                time.sleep(0.3)
        token = call(base, "/api/v1/auth/login", {"username": "admin", "password": "admin123"})["accessToken"]
        charts = []
        for i in range(CHARTS):
            chart = call(base, "/api/v1/charts", {
                "chartName": f"Bench chart {i + 1}", "chartType": ["line", "area", "bar"][i % 3],
                "dataSource": {"service": "signals", "endpoint": "/api/v1/signals/query",
                               "params": {"loaderCode": LOADER, "aggregation": "avg", "bucket": "1h"}},
                "visualization": {"xAxis": "timestamp", "yAxis": [METRICS[i % len(METRICS)]], "units": "ms"},
            }, token)
            charts.append({"chartId": chart["id"], "x": (i % 3) * 4, "y": (i // 3) * 7, "w": 4, "h": 7})
        dashboard = call(base, "/api/v1/dashboards", {"name": "Twelve charts", "charts": charts,
                                                       "timeRange": {"from": "now-30d", "to": "now"}}, token)
        result = subprocess.run(["node", str(ROOT / "benchmarks" / "frontend_render.mjs")], cwd=ROOT, timeout=600,
                                env={**os.environ, "BASE_URL": base, "LOADER": LOADER, "DASHBOARD_ID": dashboard["id"],
                                     "RAW_POINTS": str(RAW_POINTS), "CHARTS": str(CHARTS)},
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(result.stdout[-2000:] + result.stderr[-2000:])
        out = json.loads(result.stdout[result.stdout.index("{"):])
        out["setup_seconds"] = setup_seconds
        return out
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        reset_adapters()
        settings_mod.configure(None)
        Store(REDIS_URL, prefix=prefix).delete_prefixed()
        if dist:
            shutil.rmtree(Path(dist).parent, ignore_errors=True)
        db_adapter.admin_execute(ADMIN_URL, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
