"""incident.created → Jira issue created, through the local runtime (bus → queue → poller →
integrations consumer → Jira double). Target: p95 ≤ 2 s. Prints one JSON document.

Run: .venv/bin/python benchmarks/jira_create_latency.py [incidents]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

from benchmarks._latency import collect, report  # noqa: E402
from tests.support import services as services_mod  # noqa: E402
from tests.support.jira_double import JiraDouble  # noqa: E402
from tests.support.jira_helpers import configure, new_incident  # noqa: E402
from vigil.local.runtime import LocalRuntime  # noqa: E402

TARGET_P95_SECONDS = 2.0


def _wait_for_create(double: JiraDouble, count: int, timeout: float = 30.0) -> float | None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        creates = [r for r in double.requests if r.method == "POST" and r.path.endswith("/issue")]
        if len(creates) >= count:
            return creates[count - 1].at
        time.sleep(0.01)
    return None


def main(n: int) -> dict:
    svc = services_mod.start(Path(tempfile.mkdtemp(prefix="vigil-bench-")))
    runtime = LocalRuntime(svc.settings, serve=False).start()
    double = JiraDouble("CLOUD").start()
    sent = 0

    def once() -> float | None:
        nonlocal sent
        started = time.time()
        new_incident(f"bench {sent}", severity="CRITICAL")
        sent += 1
        at = _wait_for_create(double, sent)
        return None if at is None else at - started

    try:
        configure(double)
        latencies, missed = collect(n, once)
    finally:
        double.stop()
        runtime.stop()
        svc.close()
    return report("jira_create_latency", latencies=latencies, missed=missed, target_p95=TARGET_P95_SECONDS,
                  incidents=n, created=len(latencies))


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)))
