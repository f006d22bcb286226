"""Demo charts and a dashboard over the demo loaders, so a first start has something to see."""

from __future__ import annotations

from vigil.charts import service as charts
from vigil.charts.schemas import ChartWrite
from vigil.dashboards import service as dashboards
from vigil.dashboards.models import DashboardWrite
from vigil.db import Database
from vigil.governance.audit import AuditFn

DASHBOARD = "Operations overview"
SOURCE = {"service": "signals", "endpoint": "/api/v1/signals/query"}

CHARTS = {
    "payments": {
        "chartName": "Payments by channel", "chartType": "line", "tags": ["demo", "payments"],
        "description": "Payments per 15 minutes, card and wallet.",
        "dataSource": {**SOURCE, "params": {"loaderCode": "DEMO_PAYMENTS", "segmentCode": ["CARD", "WALLET"],
                                            "aggregation": "sum", "bucket": "15m"}},
        "visualization": {"yAxis": ["recCount"], "units": "payments", "title": "Payments by channel (per 15 min)"},
    },
    "ticket": {
        "chartName": "Average ticket", "chartType": "area", "tags": ["demo", "payments"],
        "dataSource": {**SOURCE, "params": {"loaderCode": "DEMO_PAYMENTS", "aggregation": "avg", "bucket": "1h"}},
        "visualization": {"yAxis": ["avgVal"], "units": "EUR", "colors": ["#16a34a"]},
    },
    "latency": {
        "chartName": "Sign-in latency", "chartType": "line", "tags": ["demo", "identity"],
        "dataSource": {**SOURCE, "params": {"loaderCode": "DEMO_LOGINS", "aggregation": "max", "bucket": "5m"}},
        "visualization": {"yAxis": ["avgVal", "maxVal"], "units": "ms",
                          "thresholds": [{"value": 1500, "label": "alert: max > 1.5 s", "severity": "WARNING"}]},
    },
    "overview": {
        "chartName": "Loader overview", "chartType": "bar", "isTemplate": True, "tags": ["demo", "template"],
        "description": "Records per hour of any loader: set the loaderCode parameter.",
        "parameters": [{"name": "loaderCode", "label": "Loader", "default": "DEMO_LOGINS"}],
        "dataSource": {**SOURCE, "params": {"loaderCode": "${loaderCode}", "aggregation": "sum", "bucket": "1h"}},
        "visualization": {"yAxis": ["recCount"], "units": "records", "title": "Records per hour: ${loaderCode}"},
    },
}


def seed(db: Database, *, audit: AuditFn) -> dict[str, str]:
    """Create the demo charts and dashboard once; return the chart ids by key."""
    existing, _ = dashboards.list_dashboards(db, q=DASHBOARD, page=0, size=1)
    if existing:
        return {}
    ids = {key: charts.create_chart(db, ChartWrite.model_validate(body), author="system", audit=audit).id
           for key, body in CHARTS.items()}
    dashboards.create_dashboard(db, DashboardWrite.model_validate({
        "name": DASHBOARD, "description": "Payments and sign-ins of the demo loaders.",
        "timeRange": {"from": "now-24h", "to": "now"}, "refreshSeconds": 60,
        "variables": [{"name": "loaderCode", "label": "Loader", "default": "DEMO_PAYMENTS",
                       "options": ["DEMO_PAYMENTS", "DEMO_LOGINS"]}],
        "charts": [
            {"chartId": ids["payments"], "x": 0, "y": 0, "w": 8, "h": 5},
            {"chartId": ids["ticket"], "x": 8, "y": 0, "w": 4, "h": 5},
            {"chartId": ids["latency"], "x": 0, "y": 5, "w": 6, "h": 5},
            {"chartId": ids["overview"], "x": 6, "y": 5, "w": 6, "h": 5},
        ]}), author="system", audit=audit)
    return ids
