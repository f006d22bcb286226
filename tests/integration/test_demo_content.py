"""The demo seed's charts, dashboard and alert rules: created once, valid, and live."""

from __future__ import annotations

import time

from tests.support.signals import write_series
from vigil import seed


def test_demo_dashboard_and_rules_are_created_once_and_resolve(viewer, operator):
    now = int(time.time()) // 60 * 60
    for code, segment in (("DEMO_PAYMENTS", "CARD"), ("DEMO_PAYMENTS", "WALLET"), ("DEMO_LOGINS", "ALL")):
        write_series(code, [(now - 60 * i, 100.0 + i) for i in range(30)], segment=segment)
    seed._charts_and_rules()
    seed._charts_and_rules()  # idempotent

    found = viewer.get("/api/v1/dashboards", query={"q": "Operations overview"}).body
    assert found["total"] == 1
    view = viewer.get(f"/api/v1/dashboards/{found['items'][0]['id']}").body
    assert len(view["resolvedCharts"]) == 4
    assert all(item["chart"] and not item["error"] for item in view["resolvedCharts"])

    for item in view["resolvedCharts"]:
        data = viewer.get(f"/api/v1/charts/{item['chartId']}/echarts",
                          query={"fromEpoch": now - 3600, "toEpoch": now, "var-loaderCode": "DEMO_PAYMENTS"})
        assert data.status == 200, data
        assert data.body["option"]["series"], item["chart"]["chartName"]

    for name in ("Sign-in latency spike", "Card payments down vs last week"):
        rules = viewer.get("/api/v1/alerts/rules", query={"q": name}).body
        assert rules["total"] == 1 and rules["items"][0]["status"] == "ACTIVE"
        backtest = operator.post("/api/v1/alerts/rules/test", {"ruleId": rules["items"][0]["id"],
                                                               "fromEpoch": now - 1800, "toEpoch": now})
        assert backtest.status == 200 and backtest.body["timeline"], backtest
