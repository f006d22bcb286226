"""RCA generation through the API, on a real chart over real signals: the PDF is stored in
the rca-reports bucket, listed on the incident, downloadable for 7 days, has its sections and
draws the chart; bad input writes nothing."""

from __future__ import annotations

import math
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import numpy as np
import pytest
from PIL import Image

from vigil import aws
from vigil.events.catalog import make
from vigil.incidents import grouping
from vigil.settings import get_settings
from vigil.signals.ingest import ingest
from vigil.signals.models import SignalPoint

RCA = "/api/v1/rca/generate"
START = int(datetime(2026, 2, 1, 10, 0, tzinfo=UTC).timestamp())
END = START + 3 * 3600


@pytest.fixture(scope="module")
def setup(services, users):
    """A loader's signals, a chart over them, and an incident opened by an alert on the chart."""
    from tests.support.client import ApiClient
    from vigil.db import get_database
    from vigil.local.apps import load_all
    from vigil.local.gateway import Gateway

    db = get_database()
    op = ApiClient(Gateway(load_all())).as_user(users["OPERATOR"].token)
    loader = f"RCA_{uuid.uuid4().hex[:6].upper()}"
    ingest(db, [SignalPoint(loader_code=loader, load_time_stamp=START + k * 60, rec_count=100,
                            avg_val=50 + 30 * math.sin(k / 20), max_val=90.0, min_val=10.0, sum_val=5000.0)
                for k in range(180)])
    chart = op.post("/api/v1/charts", {
        "chartName": "Ledger rows", "chartType": "line",
        "dataSource": {"service": "signals", "endpoint": "/api/v1/signals/query",
                       "params": {"loaderCode": "${loader}"}},
        "visualization": {"yAxis": ["avgVal"], "units": "rows", "title": "Ledger rows per run",
                          "thresholds": [{"value": 75, "label": "capacity"}]},
        "parameters": [{"name": "loader", "default": loader}]})
    assert chart.status == 201, chart
    alert = make("alert.triggered", {
        "alertId": f"a-{uuid.uuid4().hex[:8]}", "ruleId": "r-1", "ruleName": "ledger rows low",
        "loaderCode": loader, "severity": "CRITICAL", "chartId": chart.body["id"], "currentValue": 21.0,
        "threshold": 25.0, "triggeredAt": datetime.fromtimestamp(START + 3600, UTC).isoformat()})
    incident_id = grouping.on_alert_triggered(db, alert).incident_id
    op.post(f"/api/v1/incidents/{incident_id}/notes", {"text": "the ledger loader saw half the rows"})
    return op, incident_id, chart.body["id"]


def _objects(incident_id: str) -> list[str]:
    listing = aws.client("s3").list_objects_v2(Bucket=get_settings().resource_name("rca-reports"),
                                               Prefix=f"rca/{incident_id}/")
    return [o["Key"] for o in listing.get("Contents", [])]


def test_a_report_is_generated_stored_listed_and_downloadable(setup, viewer, db, tmp_path: Path):
    op, incident_id, chart_id = setup
    res = op.post(RCA, {"incidentId": incident_id, "chartIds": [chart_id],
                        "timeRange": {"from": START, "to": END}, "notes": "Reviewed with the DBA team.",
                        "rootCause": "A schema migration locked the ledger table."})
    assert res.status == 201, res
    expires = datetime.fromisoformat(res.body["expiresAt"])
    assert timedelta(days=6, hours=23) < expires - datetime.now(UTC) <= timedelta(days=7)
    query = parse_qs(urlparse(res.body["url"]).query)
    if "X-Amz-Expires" in query:  # SigV4
        assert query["X-Amz-Expires"] == ["604800"]
    else:  # SigV2 query auth: an absolute expiry
        assert abs(int(query["Expires"][0]) - (datetime.now(UTC).timestamp() + 604800)) < 120
    document = httpx.get(res.body["url"]).content
    assert document.startswith(b"%PDF-")
    assert _objects(incident_id) == [f"rca/{incident_id}/{res.body['reportId']}.pdf"]

    path = tmp_path / "rca.pdf"
    path.write_bytes(document)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    for needle in ("1. Executive summary", "2. Timeline", "3. Charts", "4. Investigation notes",
                   "5. Root cause", "6. Recommendations", "7. Related alerts", "Ledger rows per run",
                   "ledger rows low", "capacity", "A schema migration locked the ledger table.",
                   "the ledger loader saw half the rows", "Reviewed with the DBA team."):
        assert needle in text, needle

    # the chart page shows the series and the firing window
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = [np.asarray(Image.open(p).convert("RGB"), dtype=np.int16) for p in sorted(tmp_path.glob("page-*.png"))]
    blue = max((np.abs(p - np.array((37, 99, 235))).sum(axis=2) < 40).sum() for p in pages)
    pink = max((np.abs(p - np.array((254, 226, 226))).sum(axis=2) < 12).sum() for p in pages)
    assert blue > 200 and pink > 300

    detail = viewer.get(f"/api/v1/incidents/{incident_id}").body
    assert [r["id"] for r in detail["reports"]] == [res.body["reportId"]]
    assert detail["reports"][0]["chartIds"] == [chart_id]
    kinds = [e["kind"] for e in viewer.get(f"/api/v1/incidents/{incident_id}/timeline").body["items"]]
    assert kinds[-1] == "report_generated"
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'incident.rca.generate' AND entity_id = %s",
                     (res.body["reportId"],)) == 1
    again = viewer.get(f"/api/v1/rca/reports/{res.body['reportId']}")
    assert again.status == 200 and httpx.get(again.body["url"]).content == document


def test_unknown_charts_or_incidents_write_nothing(setup, db):
    op, incident_id, chart_id = setup
    before = _objects(incident_id)
    rows = db.scalar("SELECT count(*) FROM incident_reports WHERE incident_id = %s::uuid", (incident_id,))
    res = op.post(RCA, {"incidentId": incident_id, "chartIds": [chart_id, str(uuid.uuid4())],
                        "timeRange": {"from": START, "to": END}})
    assert res.status == 404 and "chart" in res.body["error"]["message"]
    res = op.post(RCA, {"incidentId": str(uuid.uuid4()), "chartIds": [], "timeRange": {"from": START, "to": END}})
    assert res.status == 404 and "incident" in res.body["error"]["message"]
    assert _objects(incident_id) == before
    assert db.scalar("SELECT count(*) FROM incident_reports WHERE incident_id = %s::uuid", (incident_id,)) == rows


def test_bad_requests_are_400_or_403(setup, viewer):
    op, incident_id, chart_id = setup
    res = op.post(RCA, {"incidentId": incident_id, "chartIds": [], "timeRange": {"from": END, "to": START}})
    assert res.status == 400 and res.body["error"]["details"][0]["field"].startswith("body.timeRange")
    assert op.post(RCA, {"incidentId": incident_id, "chartIds": [chart_id, chart_id],
                         "timeRange": {"from": START, "to": END}}).status == 400
    assert op.post(RCA, {"incidentId": incident_id}).status == 400
    assert viewer.post(RCA, {"incidentId": incident_id, "chartIds": [],
                             "timeRange": {"from": START, "to": END}}).status == 403
    assert viewer.get(f"/api/v1/rca/reports/{uuid.uuid4()}").status == 404


def test_without_chart_ids_the_alerts_charts_are_drawn(setup, db, tmp_path: Path):
    op, incident_id, chart_id = setup
    res = op.post(RCA, {"incidentId": incident_id, "chartIds": [], "timeRange": {"from": START, "to": END}})
    assert res.status == 201, res
    assert db.scalar("SELECT chart_ids FROM incident_reports WHERE id = %s::uuid", (res.body["reportId"],)) == [
        chart_id]
    path = tmp_path / "auto.pdf"
    path.write_bytes(httpx.get(res.body["url"]).content)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert "Ledger rows per run" in text
