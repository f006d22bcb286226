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
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import platform as runtime_process

ROOT = Path(__file__).parents[2]
FRONTEND = ROOT / "frontend"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots" / "part2"


def _call(base: str, path: str, *, token: str | None = None, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        base + path, data=None if body is None else json.dumps(body).encode(), method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture
def platform(services, tmp_path: Path) -> Iterator[str]:  # noqa: ANN001
    """The evaluating runtime (demo seed on: admin / admin123)."""
    with runtime_process.running(services, tmp_path, module=("tests.support.evaluating_runtime",)) as base:
        yield base


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
