"""alert.triggered → incident created, through the local runtime (bus → rule → incidents-alerts
queue → poller → grouping consumer → PostgreSQL). Target: p95 ≤ 2 s. Prints one JSON document.

Each sample publishes one CRITICAL alert of a fresh loader (an incident opens at once) and
polls the database until the incident exists.

Run: .venv/bin/python benchmarks/incidents_grouping_latency.py [alerts]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

from benchmarks._latency import collect, report  # noqa: E402
from tests.support import services as services_mod  # noqa: E402
from vigil.db import get_database  # noqa: E402
from vigil.events import publisher  # noqa: E402
from vigil.local.runtime import LocalRuntime  # noqa: E402

TARGET_P95_SECONDS = 2.0


def _send_and_wait(timeout: float = 30.0) -> float | None:
    loader = f"BENCH_{uuid.uuid4().hex[:8].upper()}"
    started = time.time()
    publisher.publish("alert.triggered", {
        "alertId": f"bench-{uuid.uuid4().hex}", "ruleId": "bench", "ruleName": "bench rule",
        "loaderCode": loader, "severity": "CRITICAL", "triggeredAt": datetime.now(UTC).isoformat(),
        "currentValue": 1.0, "threshold": 2.0})
    db = get_database()
    while time.time() - started < timeout:
        if db.scalar("SELECT 1 FROM incidents WHERE loader_code = %s", (loader,)):
            return time.time() - started
        time.sleep(0.005)
    return None


def main(n: int) -> dict:
    svc = services_mod.start(Path(tempfile.mkdtemp(prefix="vigil-bench-")))
    runtime = LocalRuntime(svc.settings, serve=False).start()
    try:
        latencies, missed = collect(n, _send_and_wait)
    finally:
        runtime.stop()
        svc.close()
    return report("incidents_grouping_latency", latencies=latencies, missed=missed, target_p95=TARGET_P95_SECONDS,
                  alerts=n, incidents=len(latencies))


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)))
