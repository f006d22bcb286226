"""The web app end to end: the real platform (`vigil.cli run`, embedded services) serving the
built frontend, driven by headless Debian Chromium through playwright-core
(frontend/e2e/run.mjs). The scenario signs in, creates a source and a loader, sees its signals
in the explorer, builds charts and a two-chart dashboard, changes the time range and rolls back
a version; screenshots of every page land in test-artifacts/screenshots/."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import platform as runtime_process
from tests.support.loaders_sources import SourceServer, create_postgres, drop_postgres

ROOT = Path(__file__).parents[2]
FRONTEND = ROOT / "frontend"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


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
    """`vigil run` serving a private copy of the build: a rebuild of frontend/dist during the run
    (another terminal) cannot pull the files from under the browser."""
    runtime_process.ensure_built()
    dist = shutil.copytree(FRONTEND / "dist", tmp_path / "dist")
    with runtime_process.running(services, tmp_path, dist=dist) as base:
        yield base


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
