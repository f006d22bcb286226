"""RCA report with 6 charts of 2,000 points each: chart data queried through the charts domain,
PDF rendered, stored in the rca-reports bucket, row written, link signed. Target: ≤ 2 s per
report. Prints one JSON document.

Run: .venv/bin/python benchmarks/rca_pdf.py [reports]
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

from tests.support import services as services_mod  # noqa: E402
from vigil.charts import service as charts  # noqa: E402
from vigil.charts.schemas import ChartWrite  # noqa: E402
from vigil.db import get_database  # noqa: E402
from vigil.events.catalog import make  # noqa: E402
from vigil.incidents import grouping  # noqa: E402
from vigil.local.runtime import LocalRuntime  # noqa: E402
from vigil.redis import get_store  # noqa: E402
from vigil.reports import service as reports  # noqa: E402
from vigil.reports.chartsource import from_charts_domain  # noqa: E402
from vigil.reports.schemas import GenerateRca  # noqa: E402
from vigil.signals.ingest import ingest  # noqa: E402
from vigil.signals.models import SignalPoint  # noqa: E402

TARGET_SECONDS = 2.0
CHARTS, POINTS = 6, 2000
START = int(datetime(2026, 1, 5, tzinfo=UTC).timestamp())
STEP = 60


def _prepare() -> tuple[str, list[str]]:
    db = get_database()
    chart_ids = []
    for c in range(CHARTS):
        loader = f"RCA_BENCH_{c}_{uuid.uuid4().hex[:4].upper()}"
        ingest(db, [SignalPoint(loader_code=loader, load_time_stamp=START + k * STEP, rec_count=100,
                                avg_val=50 + 30 * math.sin(k / 50 + c), max_val=95.0, min_val=5.0, sum_val=1.0)
                    for k in range(POINTS)])
        body = ChartWrite.model_validate({
            "chartName": f"Bench chart {c}", "chartType": "line",
            "dataSource": {"service": "signals", "endpoint": "/api/v1/signals/query",
                           "params": {"loaderCode": "${loader}", "limit": 5000}},
            "visualization": {"yAxis": ["avgVal"], "units": "rows", "thresholds": [{"value": 75}]},
            "parameters": [{"name": "loader", "default": loader}]})
        chart_ids.append(charts.create_chart(db, body, author="bench", audit=lambda **_: None).id)
    alert = make("alert.triggered", {
        "alertId": f"bench-{uuid.uuid4().hex}", "ruleId": "r", "ruleName": "bench rule", "loaderCode": "X",
        "severity": "CRITICAL", "chartId": chart_ids[0], "currentValue": 20.0, "threshold": 25.0,
        "triggeredAt": datetime.fromtimestamp(START + 40000, UTC).isoformat()})
    incident_id = grouping.on_alert_triggered(db, alert).incident_id
    assert incident_id is not None
    return incident_id, chart_ids


def main(n: int) -> dict:
    svc = services_mod.start(Path(tempfile.mkdtemp(prefix="vigil-bench-")))
    runtime = LocalRuntime(svc.settings, serve=False, run_queues=False).start()
    timings: list[float] = []
    sizes: list[int] = []
    first = 0.0
    try:
        incident_id, chart_ids = _prepare()
        body = GenerateRca.model_validate({"incidentId": incident_id, "chartIds": chart_ids,
                                           "timeRange": {"from": START, "to": START + POINTS * STEP}})
        db, store = get_database(), get_store()
        for i in range(n + 1):
            started = time.perf_counter()
            result = reports.generate(db, body=body, charts=from_charts_domain(db, store), actor="bench")
            took = time.perf_counter() - started
            if not i:  # the first report pays for imports and a cold signals cache
                first = took
            else:
                timings.append(took)
                sizes.append(int(db.scalar("SELECT size_bytes FROM incident_reports WHERE id = %s::uuid",
                                           (result.report_id,))))
    finally:
        runtime.stop()
        svc.close()
    return {
        "benchmark": "rca_pdf",
        "charts": CHARTS,
        "pointsPerChart": POINTS,
        "reports": n,
        "medianSeconds": round(statistics.median(timings), 3),
        "maxSeconds": round(max(timings), 3),
        "coldFirstSeconds": round(first, 3),
        "pdfBytes": int(statistics.median(sizes)),
        "targetSeconds": TARGET_SECONDS,
        "pass": max(timings + [first]) <= TARGET_SECONDS,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)))
