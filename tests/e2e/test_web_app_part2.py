"""The web app's part 2 end to end: the real platform with its alert evaluator cycling every two
seconds (tests/support/evaluating_runtime.py) serving the built frontend, driven by headless
Debian Chromium through playwright-core (frontend/e2e/part2.mjs). The scenario creates a rule
from a chart and backtests it, ingests signals that break it, follows the alert into history
and the incident it opens through its whole lifecycle (notes, attachment, RCA PDF), acknowledges
the alert, and checks that a VIEWER an ADMIN creates sees no edit actions; screenshots of every
page land in test-artifacts/screenshots/part2/."""

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

from vigil import db
from vigil.redis import Store

ROOT = Path(__file__).parents[2]
FRONTEND = ROOT / "frontend"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots" / "part2"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_built() -> None:
    """Build the app when dist is missing or older than a source file (a stale build would
    test yesterday's screens)."""
    index = FRONTEND / "dist" / "index.html"
    if index.exists():
        built = index.stat().st_mtime
        if all(p.stat().st_mtime <= built for p in (FRONTEND / "src").rglob("*") if p.is_file()):
            return
    if not (FRONTEND / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=FRONTEND, check=True)
    subprocess.run(["npm", "run", "--silent", "build"], cwd=FRONTEND, check=True, stdout=subprocess.DEVNULL)


def _call(base: str, path: str, *, token: str | None = None, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        base + path, data=None if body is None else json.dumps(body).encode(), method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture
def platform(services, tmp_path: Path) -> Iterator[str]:  # noqa: ANN001
    """The evaluating runtime on a free port, on a database and Redis key prefix of this test's
    own and an embedded moto server; demo seed on (admin / admin123)."""
    _ensure_built()
    port = _free_port()
    run_id = uuid.uuid4().hex[:10]
    database = f"vigil_e2e2_{run_id}"
    db.admin_execute(services.admin_url, [f'CREATE DATABASE "{database}"'])
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ENDPOINT_URL", "MOTO_PORT")}
    env.update({
        "DATABASE_URL": db.with_database(services.admin_url, database),
        "REDIS_URL": str(services.settings.redis_url), "REDIS_KEY_PREFIX": f"vigil-e2e2-{run_id}:",
        "RESOURCE_PREFIX": f"e2b{run_id}-",
        "PORT": str(port), "VIGIL_DATA_DIR": str(tmp_path / "vigil-data"),
        "FRONTEND_DIST": str(FRONTEND / "dist"), "SEED_DEMO": "true", "SCHEDULES_ENABLED": "false",
        # A browser session makes many small requests; the rate limiter has its own tests.
        "RATE_LIMIT_PER_MINUTE": "100000", "ANONYMOUS_RATE_LIMIT_PER_MINUTE": "100000",
    })
    log = (tmp_path / "platform.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "tests.support.evaluating_runtime"], cwd=ROOT, env=env,
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
        Store(str(services.settings.redis_url), prefix=f"vigil-e2e2-{run_id}:").delete_prefixed()
        db.admin_execute(services.admin_url, [f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'])


def test_alerting_incidents_and_administration_in_headless_chromium(platform: str) -> None:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # only this run's pictures (the folder is ours alone)
    env = {**os.environ, "BASE_URL": platform, "SCREENSHOT_DIR": str(SCREENSHOTS)}
    result = subprocess.run(["node", "e2e/part2.mjs"], cwd=FRONTEND, env=env, capture_output=True,
                            text=True, timeout=420)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    steps = [line for line in result.stdout.splitlines() if line.startswith("ok   ")]
    assert len(steps) >= 18, output

    # What the browser did is what the platform recorded.
    token = _call(platform, "/api/v1/auth/login", body={"username": "admin", "password": "admin123"})["accessToken"]
    acked = _call(platform, "/api/v1/alerts/history?acknowledged=true", token=token)
    assert acked["total"] == 1 and acked["items"][0]["acknowledgedBy"] == "admin"
    closed = _call(platform, "/api/v1/incidents?status=CLOSED", token=token)
    assert closed["total"] == 1 and closed["items"][0]["closureReason"] == "Fixed and verified"
    viewers = _call(platform, "/api/v1/admin/users?role=VIEWER", token=token)
    assert [u["username"] for u in viewers["items"] if u["username"].startswith("e2e_viewer2_")]
    for page_name in ("rule-backtest", "alert-drawer", "incident-resolved", "policies", "jira-config", "users",
                      "audit", "viewer-incident"):
        assert any(SCREENSHOTS.glob(f"*-part2-{page_name}.png")), f"no screenshot of {page_name}"
