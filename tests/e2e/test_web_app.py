"""The web app end to end: the real platform (`vigil.cli run`, embedded services) serving the
built frontend, driven by headless Debian Chromium through playwright-core
(frontend/e2e/run.mjs). The scenario signs in, creates a source and a loader, sees its signals
in the explorer, builds charts and a two-chart dashboard, changes the time range and rolls back
a version; screenshots of every page land in test-artifacts/screenshots/."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.loaders_sources import SourceServer, create_postgres, drop_postgres
from vigil import db
from vigil.redis import Store

ROOT = Path(__file__).parents[2]
FRONTEND = ROOT / "frontend"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_built() -> None:
    """`./dev test` builds the app first; a bare pytest run builds it when it is missing."""
    if (FRONTEND / "dist" / "index.html").exists():
        return
    if not (FRONTEND / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=FRONTEND, check=True)
    subprocess.run(["npm", "run", "--silent", "build"], cwd=FRONTEND, check=True, stdout=subprocess.DEVNULL)


@pytest.fixture
def source_db(services) -> Iterator[SourceServer]:  # noqa: ANN001
    """A real PostgreSQL source with a read-only account and a `payments` table."""
    server = create_postgres(services.admin_url)
    try:
        yield server
    finally:
        drop_postgres(server)


@pytest.fixture
def platform(services, tmp_path: Path) -> Iterator[str]:  # noqa: ANN001
    """`vigil run` on a free port, on a database and Redis key prefix of this test's own (like
    tests/support/services.py) and an embedded moto server."""
    _ensure_built()
    # A private copy: a rebuild of frontend/dist during the run (another terminal) cannot pull
    # the files from under the browser.
    dist = shutil.copytree(FRONTEND / "dist", tmp_path / "dist")
    port = _free_port()
    run_id = uuid.uuid4().hex[:10]
    database = f"vigil_e2e_{run_id}"
    db.admin_execute(services.admin_url, [f'CREATE DATABASE "{database}"'])
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ENDPOINT_URL", "MOTO_PORT")}
    env.update({
        "DATABASE_URL": db.with_database(services.admin_url, database),
        "REDIS_URL": str(services.settings.redis_url), "REDIS_KEY_PREFIX": f"vigil-e2e-{run_id}:",
        "RESOURCE_PREFIX": f"e2e{run_id}-",
        "PORT": str(port), "VIGIL_DATA_DIR": str(tmp_path / "vigil-data"),
        "FRONTEND_DIST": str(dist), "SEED_DEMO": "true", "SCHEDULES_ENABLED": "false",
        # A browser session makes many small requests; the rate limiter has its own tests.
        "RATE_LIMIT_PER_MINUTE": "100000", "ANONYMOUS_RATE_LIMIT_PER_MINUTE": "100000",
    })
    log = (tmp_path / "platform.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "vigil.cli", "run"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            assert proc.poll() is None, (tmp_path / "platform.log").read_text()[-3000:]
            assert time.time() < deadline, "the platform did not answer /api/v1/health"
            try:
                with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2) as r:
                    if json.loads(r.read())["status"] == "ok":
                        break
            except OSError:
                time.sleep(0.3)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        Store(str(services.settings.redis_url), prefix=f"vigil-e2e-{run_id}:").delete_prefixed()
        db.admin_execute(services.admin_url, [f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'])


def test_web_app_scenario_in_headless_chromium(platform: str, source_db: SourceServer) -> None:
    with urllib.request.urlopen(f"{platform}/dashboards/anything", timeout=5) as r:
        page = r.read().decode()
    assert '<div id="root">' in page, "the runtime serves the built app for client routes"

    env = {**os.environ, "BASE_URL": platform, "SCREENSHOT_DIR": str(SCREENSHOTS),
           "SRC_HOST": source_db.host, "SRC_PORT": str(source_db.port), "SRC_DB": source_db.db_name,
           "SRC_USER": source_db.read_only.user, "SRC_PASSWORD": source_db.read_only.password}
    started = time.time()
    result = subprocess.run(["node", "e2e/run.mjs"], cwd=FRONTEND, env=env, capture_output=True,
                            text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    steps = [line for line in result.stdout.splitlines() if line.startswith("ok   ")]
    assert len(steps) >= 15, output
    for page_name in ("sources", "loader-details", "explorer-7d", "dashboard-view-7d", "dashboard-history"):
        fresh = [p for p in SCREENSHOTS.glob(f"*-{page_name}.png") if p.stat().st_mtime >= started - 1]
        assert fresh, f"no screenshot of {page_name} from this run"
