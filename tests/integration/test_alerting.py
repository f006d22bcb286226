"""The alerting engine on real PostgreSQL, Redis and the moto event bus: rules on charts,
live evaluation with durations, events, concurrency, acknowledgement, silences, baselines
against a calendar month, and backtests that agree with live evaluation."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from tests.functions.test_charts_api import chart_body
from tests.support.bus import tap
from tests.support.signals import new_loader_code, write_series
from vigil.alerting import evaluator
from vigil.db import get_database
from vigil.redis import get_store

T0 = 1_780_000_020 - (1_780_000_020 % 3600)  # an hour boundary in 2026


def _make(operator, values, *, step=60, rule_over=None, chart_over=None, start=T0):
    code = new_loader_code("AL")
    write_series(code, [(start + i * step, float(v)) for i, v in enumerate(values)])
    body = chart_body(code)
    body["dataSource"]["params"] = {"loaderCode": code, "aggregation": "raw"}
    body.update(chart_over or {})
    chart_id = operator.post("/api/v1/charts", body).body["id"]
    rule = {"ruleName": f"High {code}", "chartId": chart_id, "loaderCode": code, "metric": "avgVal",
            "conditions": [{"operator": ">", "threshold": 10, "duration": "3m"}], "severity": "HIGH",
            "suppressionWindow": "0s", "evaluationInterval": "30s", "labels": {"team": "payments"}}
    rule.update(rule_over or {})
    created = operator.post("/api/v1/alerts/rules", rule)
    assert created.status == 201, created
    return code, chart_id, created.body["id"], rule


def _only_due(rule_id, now):
    """Make just this test's rule due at `now` (other tests' rules wait)."""
    get_database().execute(
        "UPDATE alert_rules SET next_evaluation_at = CASE WHEN id = %s THEN to_timestamp(%s) ELSE 'infinity' END",
        (rule_id, now))


def _cycle(rule_id, now):
    _only_due(rule_id, now)
    return evaluator.run_cycle(db=get_database(), store=get_store(), now=now)


def _state(viewer, rule_id):
    states = viewer.get(f"/api/v1/alerts/rules/{rule_id}").body["states"]
    return states[0]["state"] if states else None


def test_pending_then_firing_then_resolved_with_events(operator, viewer):
    values = [1, 1, 11, 12, 13, 14, 15, 2, 1]
    code, chart_id, rule_id, _ = _make(operator, values)
    with tap("alert.triggered", "alert.resolved") as bus:
        states = []
        for i in range(len(values)):
            _cycle(rule_id, T0 + i * 60)
            states.append(_state(viewer, rule_id))
        assert states == ["OK", "OK", "PENDING", "PENDING", "FIRING", "FIRING", "FIRING", "RESOLVED", "OK"]
        events = bus.drain(expect=2)
    triggered = [e for e in events if e["type"] == "alert.triggered"]
    resolved = [e for e in events if e["type"] == "alert.resolved"]
    assert len(triggered) == len(resolved) == 1
    p = triggered[0]["payload"]
    assert {k: p[k] for k in ("ruleId", "loaderCode", "severity", "currentValue", "threshold", "chartId")} == {
        "ruleId": rule_id, "loaderCode": code, "severity": "HIGH", "currentValue": 13.0, "threshold": 10.0,
        "chartId": chart_id}
    assert p["labels"] == {"team": "payments"} and p["ruleName"] == f"High {code}"
    assert datetime.fromisoformat(p["triggeredAt"]) == datetime.fromtimestamp(T0 + 240, UTC)
    assert resolved[0]["payload"]["alertId"] == p["alertId"]

    history = viewer.get("/api/v1/alerts/history", query={"ruleId": rule_id}).body
    assert history["total"] == 1 and history["items"][0]["status"] == "RESOLVED"
    evaluations = viewer.get(f"/api/v1/alerts/rules/{rule_id}/evaluations", query={"size": 100}).body
    assert evaluations["total"] == len(values)
    assert [e["action"] for e in evaluations["items"]][:5] == [None, "resolve", None, None, "trigger"]


def test_two_evaluators_at_once_fire_once(operator):
    _, _, rule_id, _ = _make(operator, [20] * 6, rule_over={"conditions": [
        {"operator": ">", "threshold": 10, "duration": "0s"}]})
    now = T0 + 300
    _only_due(rule_id, now)
    barrier = threading.Barrier(2)
    reports = []

    def run():
        barrier.wait()
        reports.append(evaluator.run_cycle(db=get_database(), store=get_store(), now=now))

    threads = [threading.Thread(target=run) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sum(r.triggered for r in reports) == 1
    assert get_database().scalar("SELECT count(*) FROM alerts WHERE rule_id = %s", (rule_id,)) == 1
    assert get_database().scalar("SELECT count(*) FROM alert_evaluations WHERE rule_id = %s", (rule_id,)) == 1


def test_acknowledge_records_who_and_publishes(operator, viewer):
    _, _, rule_id, _ = _make(operator, [20] * 6, rule_over={"conditions": [
        {"operator": ">", "threshold": 10, "duration": "0s"}]})
    report = _cycle(rule_id, T0 + 300)
    alert_id = report.alert_ids[0]
    with tap("alert.acknowledged") as bus:
        acked = operator.post(f"/api/v1/alerts/{alert_id}/acknowledge")
        assert acked.status == 200 and acked.body["acknowledgedBy"] and acked.body["acknowledgedAt"]
        again = operator.post(f"/api/v1/alerts/{alert_id}/acknowledge")
        assert again.body["acknowledgedAt"] == acked.body["acknowledgedAt"]
        events = bus.drain(expect=1)
    assert [e["payload"]["alertId"] for e in events] == [alert_id]
    detail = viewer.get(f"/api/v1/alerts/{alert_id}").body
    assert detail["payload"]["alertId"] == alert_id and detail["status"] == "FIRING"
    assert viewer.post(f"/api/v1/alerts/{alert_id}/acknowledge").status == 403
    assert viewer.get("/api/v1/alerts/history", query={"ruleId": rule_id, "acknowledged": "true"}).body["total"] == 1


def test_a_silence_holds_the_rule_until_it_ends(operator, viewer):
    code, _, rule_id, _ = _make(operator, [20] * 10, rule_over={"conditions": [
        {"operator": ">", "threshold": 10, "duration": "0s"}]})
    silence = operator.post("/api/v1/alerts/silences", {
        "loaderCode": code, "startsAt": datetime.fromtimestamp(T0, UTC).isoformat(),
        "endsAt": datetime.fromtimestamp(T0 + 150, UTC).isoformat(), "reason": "database upgrade"})
    assert silence.status == 201, silence
    first = _cycle(rule_id, T0 + 60)
    assert first.triggered == 0 and _state(viewer, rule_id) == "PENDING"
    latest = viewer.get(f"/api/v1/alerts/rules/{rule_id}/evaluations").body["items"][0]
    assert latest["silenced"] is True
    assert _cycle(rule_id, T0 + 180).triggered == 1  # the window is over and the problem persists


def test_bad_rules_are_400_with_the_field_path(operator):
    code, chart_id, _, rule = _make(operator, [1, 2, 3])
    cases = [
        ({"metric": "sumVal"}, "body.metric"),  # the chart shows avgVal and maxVal only
        ({"conditions": [{"operator": ">", "threshold": 1, "duration": "10s"}]}, "body.conditions[0].duration"),
        ({"conditions": [], "windows": [{"window": "5m", "weight": 0.7, "operator": ">", "threshold": 1}],
          "scoreThreshold": 0.5}, "body.windows"),
        ({"conditions": [{"operator": ">", "threshold": "high", "duration": "1m"}]}, "body.conditions.0.threshold"),
        ({"loaderCode": "OTHER_LOADER"}, "body.loaderCode"),
        ({"chartId": "00000000-0000-0000-0000-000000000009"}, "body.chartId"),
    ]
    for change, field in cases:
        result = operator.post("/api/v1/alerts/rules", {**rule, **change})
        assert result.status == 400, (change, result)
        assert field in {d["field"] for d in result.body["error"]["details"]}, (change, result.body)


def test_deleting_a_chart_with_rules_is_refused(operator):
    _, chart_id, rule_id, _ = _make(operator, [1, 2, 3])
    refused = operator.delete(f"/api/v1/charts/{chart_id}")
    assert refused.status == 409
    assert ("alertRule", rule_id) in {(d["type"], d["id"]) for d in refused.body["error"]["details"]}


def test_backtest_matches_live_evaluation(operator, viewer):
    values = [1, 11, 12, 13, 2, 11, 12, 13, 14, 1, 1]
    _, _, rule_id, rule = _make(operator, values, rule_over={"suppressionWindow": "2m"})
    result = operator.post("/api/v1/alerts/rules/test", {"ruleId": rule_id, "fromEpoch": T0,
                                                         "toEpoch": T0 + 60 * (len(values) - 1)})
    assert result.status == 200, result
    backtest_states = [e["state"] for e in result.body["timeline"]]
    live = []
    for i in range(len(values)):
        _cycle(rule_id, T0 + i * 60)
        live.append(_state(viewer, rule_id))
    assert backtest_states == live
    assert [(f["from"], f["to"]) for f in result.body["firings"]] == [(T0 + 180, T0 + 240), (T0 + 420, T0 + 540)]
    assert result.body["firings"][1]["peakValue"] == 14.0
    # an unsaved definition gives the same answer and nothing is written
    count = get_database().scalar("SELECT count(*) FROM alerts")
    unsaved = operator.post("/api/v1/alerts/rules/test", {"rule": rule, "fromEpoch": T0,
                                                           "toEpoch": T0 + 60 * (len(values) - 1)})
    assert [e["state"] for e in unsaved.body["timeline"]] == backtest_states
    assert get_database().scalar("SELECT count(*) FROM alerts") == count


@pytest.mark.parametrize(("now", "then"), [
    ("2026-03-31T10:00:00+00:00", "2026-02-28T10:00:00+00:00"),  # 31 Mar compares with 28 Feb
    ("2026-05-31T10:00:00+00:00", "2026-04-30T10:00:00+00:00"),
    ("2026-03-15T10:00:00+00:00", "2026-02-15T10:00:00+00:00"),
])
def test_last_month_baseline_uses_the_calendar_month(operator, now, then):
    now_ts = int(datetime.fromisoformat(now).timestamp())
    then_ts = int(datetime.fromisoformat(then).timestamp())
    code = new_loader_code("BL")
    write_series(code, [(then_ts - 3600 + 60 * i, 100.0) for i in range(61)])   # the same hour last month
    write_series(code, [(then_ts - 86400 * 2 - 3600 + 60 * i, 10.0) for i in range(61)])  # a decoy 30 days back
    write_series(code, [(now_ts - 3600 + 60 * i, 150.0) for i in range(61)])    # now: +50 %
    body = chart_body(code)
    body["dataSource"]["params"] = {"loaderCode": code, "aggregation": "raw"}
    chart_id = operator.post("/api/v1/charts", body).body["id"]
    rule = {"ruleName": "month", "chartId": chart_id, "loaderCode": code, "metric": "avgVal", "severity": "WARNING",
            "baseline": {"compareTo": "lastMonth", "mode": "percent", "operator": ">=", "threshold": 50,
                         "window": "1h"}}
    result = operator.post("/api/v1/alerts/rules/test", {"rule": rule, "fromEpoch": now_ts - 60, "toEpoch": now_ts})
    assert result.status == 200, result
    last = result.body["timeline"][-1]
    assert last["baselineChange"] == pytest.approx(50.0) and last["state"] == "FIRING"


def test_filters_with_ids_that_name_nothing_return_empty_pages(viewer):
    for path, query in (("/api/v1/alerts/silences", {"ruleId": "not-a-uuid"}),
                        ("/api/v1/alerts/history", {"ruleId": "not-a-uuid"}),
                        ("/api/v1/alerts/rules", {"chartId": "not-a-uuid"})):
        result = viewer.get(path, query=query)
        assert result.status == 200 and result.body["total"] == 0, (path, result)
    assert viewer.get("/api/v1/alerts/not-a-uuid").status == 404
