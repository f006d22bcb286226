"""alert.triggered → e-mail accepted by an SMTP server, through the local runtime: bus → rule →
notifications-alerts queue → poller → escalation start (Step Functions on moto) → first step's
message on notifications-requested → poller → SMTP (aiosmtpd). Target: p95 ≤ 2 s (the seed asks
30 s). Prints one JSON document.

Only the notifications app is loaded, so the figure is this path's own. Each sample publishes one
alert with its own rule name and waits until the SMTP server has accepted that mail.

Run: .venv/bin/python benchmarks/notifications_email_latency.py [alerts]
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
from tests.support.notification_doubles import MiddlewareDouble, SmtpDouble, notification_settings  # noqa: E402
from vigil import settings as settings_mod  # noqa: E402
from vigil.db import get_database  # noqa: E402
from vigil.events import publisher  # noqa: E402
from vigil.local.runtime import LocalRuntime  # noqa: E402
from vigil.notifications import repository as repo  # noqa: E402

TARGET_P95_SECONDS = 2.0
LOADER = "BENCH_NOTIFY"


def _policy() -> None:
    with get_database().session() as s:
        group = repo.insert_group(s, name="bench on-call", description=None, created_by="bench",
                                  members=[{"name": "Bench", "email": "bench@example.com"}])
        repo.insert_policy(s, created_by="bench", fields={
            "name": "bench", "description": None, "is_default": False, "repeat": 0,
            "match": {"loaderCodes": [LOADER]},
            "levels": [{"channels": ["email"], "targets": [{"contactGroupId": group["id"]}], "waitSeconds": 600}]})


def _send_and_wait(smtp: SmtpDouble, timeout: float = 30.0) -> float | None:
    rule = f"bench {uuid.uuid4().hex[:10]}"
    subject = f"[CRITICAL] {rule} triggered"
    started = time.time()
    publisher.publish("alert.triggered", {
        "alertId": str(uuid.uuid4()), "ruleId": "bench", "ruleName": rule, "loaderCode": LOADER,
        "severity": "CRITICAL", "triggeredAt": datetime.now(UTC).isoformat(), "currentValue": 1.0, "threshold": 2.0})
    while time.time() - started < timeout:
        if any(str(m["Subject"]).strip() == subject for m in smtp.messages):
            return time.time() - started
        time.sleep(0.005)
    return None


def main(n: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="vigil-bench-"))
    svc = services_mod.start(tmp)
    smtp, middleware = SmtpDouble().start(), MiddlewareDouble().start()
    settings_mod.configure(svc.settings)
    runtime = LocalRuntime(notification_settings(smtp, middleware), only=["notifications"], serve=False).start()
    try:
        _policy()
        latencies, missed = collect(n, lambda: _send_and_wait(smtp))
    finally:
        runtime.stop()
        smtp.stop()
        middleware.stop()
        svc.close()
    return report("notifications_email_latency", latencies=latencies, missed=missed,
                  target_p95=TARGET_P95_SECONDS, alerts=n, emails=len(latencies))


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)))
