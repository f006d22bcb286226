"""The real platform in a subprocess for end-to-end tests: a free port, a database and Redis key
prefix of its own, an embedded moto server, the built web app; stopped and cleaned up after."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vigil import db
from vigil.loaders import demo
from vigil.redis import Store

ROOT = Path(__file__).parents[2]
FRONTEND = ROOT / "frontend"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_built() -> None:
    """Build the app when dist is missing or older than a source file (`./dev test` builds it
    first; a bare pytest run may not have)."""
    index = FRONTEND / "dist" / "index.html"
    if index.exists():
        built = index.stat().st_mtime
        if all(p.stat().st_mtime <= built for p in (FRONTEND / "src").rglob("*") if p.is_file()):
            return
    if not (FRONTEND / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=FRONTEND, check=True)
    subprocess.run(["npm", "run", "--silent", "build"], cwd=FRONTEND, check=True, stdout=subprocess.DEVNULL)


@contextmanager
def running(services: Any, tmp_path: Path, *, module: tuple[str, ...] = ("vigil.cli", "run"),
            dist: Path | None = None) -> Iterator[str]:
    """Start `python -m <module>` with the demo seed and schedules off; yield its base URL."""
    ensure_built()
    run_id = uuid.uuid4().hex[:10]
    database, prefix = f"vigil_e2e_{run_id}", f"vigil-e2e-{run_id}:"
    port = free_port()
    db.admin_execute(services.admin_url, [f'CREATE DATABASE "{database}"'])
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ENDPOINT_URL", "MOTO_PORT")}
    env.update({
        "DATABASE_URL": db.with_database(services.admin_url, database),
        "REDIS_URL": str(services.settings.redis_url), "REDIS_KEY_PREFIX": prefix,
        "RESOURCE_PREFIX": f"e2e{run_id}-", "PORT": str(port), "VIGIL_DATA_DIR": str(tmp_path / "vigil-data"),
        "FRONTEND_DIST": str(dist or FRONTEND / "dist"), "SEED_DEMO": "true", "SCHEDULES_ENABLED": "false",
        # A browser session makes many small requests; the rate limiter has its own tests.
        "RATE_LIMIT_PER_MINUTE": "100000", "ANONYMOUS_RATE_LIMIT_PER_MINUTE": "100000",
    })
    log_path = tmp_path / "platform.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", *module], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(proc, base, log_path)
            yield base
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            Store(str(services.settings.redis_url), prefix=prefix).delete_prefixed()
            # The demo seed's read-only role is cluster-wide: it goes with the database.
            db.admin_execute(services.admin_url, [f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
                                                  f"DROP ROLE IF EXISTS {demo.role_name(database)}"])


def _wait_healthy(proc: subprocess.Popen[bytes], base: str, log_path: Path, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while True:
        assert proc.poll() is None, log_path.read_text()[-3000:]
        assert time.time() < deadline, "the platform did not answer /api/v1/health"
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2) as r:
                if json.loads(r.read())["status"] == "ok":
                    return
        except OSError:
            time.sleep(0.3)
