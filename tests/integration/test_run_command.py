"""The README's run command: everything embedded, health 200, clean stop, no process left."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmd:
            found.append(f"{pid}: {cmd}")
    return found


def test_run_starts_everything_embedded_and_stops_cleanly(tmp_path):
    port = _free_port()
    data_dir = tmp_path / "vigil-data"
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "AWS_ENDPOINT_URL", "MOTO_PORT")}
    env.update({"PORT": str(port), "VIGIL_DATA_DIR": str(data_dir)})
    proc = subprocess.Popen([sys.executable, "-m", "vigil.cli", "run"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        health = None
        deadline = time.time() + 90
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as r:
                    health = (r.status, json.loads(r.read()))
                    break
            except OSError:
                time.sleep(0.3)
        assert health is not None, proc.stdout.read().decode() if proc.poll() is not None else "no answer"
        status, body = health
        assert status == 200
        assert body["status"] == "ok"
        assert {k: v["status"] for k, v in body["components"].items()} == {
            "database": "ok", "redis": "ok", "aws": "ok"}
        assert _processes_mentioning(str(data_dir)), "embedded services should run from the data dir"

        login = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/auth/login",
            data=json.dumps({"username": "admin", "password": "admin123"}).encode(),
            headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(login, timeout=10) as r:
            assert json.loads(r.read())["user"]["role"] == "ADMIN"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            output = proc.communicate(timeout=60)[0].decode()
        except subprocess.TimeoutExpired:
            proc.kill()  # never leave a platform behind, even when the test fails
            raise
    assert proc.returncode == 0, output[-3000:]
    assert "platform stopped" in output
    time.sleep(0.5)
    assert _processes_mentioning(str(data_dir)) == []
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    requests = [entry for entry in lines if entry.get("message") == "request"]
    assert requests and all("requestId" in entry and "correlationId" in entry for entry in requests)
