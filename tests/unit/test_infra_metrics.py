"""The metrics API: Prometheus text exposition and CloudWatch embedded-metric-format lines."""

from __future__ import annotations

import json

import pytest

from vigil.ops.metrics import Registry


def test_prometheus_text_has_help_type_and_values():
    r = Registry()
    r.emf = False
    r.count("vigil_alerts_fired_total", severity="CRITICAL")
    r.count("vigil_alerts_fired_total", 2, severity="CRITICAL")
    r.count("vigil_notifications_total", channel="email", outcome="failed")
    r.gauge("vigil_dlq_depth", 4, queue="notifications")
    r.observe("vigil_evaluation_duration_seconds", 0.2)
    r.observe("vigil_evaluation_duration_seconds", 3)
    text = r.render_prometheus()
    assert "# TYPE vigil_alerts_fired_total counter" in text
    assert 'vigil_alerts_fired_total{severity="CRITICAL"} 3' in text
    assert 'vigil_notifications_total{channel="email",outcome="failed"} 1' in text
    assert 'vigil_dlq_depth{queue="notifications"} 4' in text
    assert "# TYPE vigil_evaluation_duration_seconds histogram" in text
    assert 'vigil_evaluation_duration_seconds_bucket{le="0.25"} 1' in text
    assert 'vigil_evaluation_duration_seconds_bucket{le="5"} 2' in text
    assert 'vigil_evaluation_duration_seconds_bucket{le="+Inf"} 2' in text
    assert "vigil_evaluation_duration_seconds_sum 3.2" in text
    assert "vigil_evaluation_duration_seconds_count 2" in text


def test_label_values_are_escaped():
    r = Registry()
    r.emf = False
    r.count("vigil_jira_failures_total", operation='say "hi"\\\n')
    assert 'operation="say \\"hi\\"\\\\\\n"' in r.render_prometheus()


def test_unknown_names_and_wrong_kinds_are_programming_errors():
    r = Registry()
    with pytest.raises(ValueError, match="CATALOG"):
        r.count("vigil_made_up_total")
    with pytest.raises(ValueError, match="histogram"):
        r.observe("vigil_alerts_fired_total", 1)


def test_collectors_run_before_each_scrape():
    r = Registry()
    r.emf = False
    depth = iter([1, 5])
    collector = lambda: r.gauge("vigil_dlq_depth", next(depth), queue="q")  # noqa: E731
    r.add_collector(collector)
    assert 'vigil_dlq_depth{queue="q"} 1' in r.render_prometheus()
    assert 'vigil_dlq_depth{queue="q"} 5' in r.render_prometheus()
    r.remove_collector(collector)
    assert 'vigil_dlq_depth{queue="q"} 5' in r.render_prometheus()


def test_in_lambda_each_value_is_an_emf_line(capsys):
    r = Registry()
    r.emf = True  # what AWS_LAMBDA_FUNCTION_NAME switches on
    r.count("vigil_notifications_total", channel="sms", outcome="sent")
    r.observe("vigil_queue_lag_seconds", 1.5, consumer="incidents")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2
    first = lines[0]
    directive = first["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "Vigil"
    assert directive["Dimensions"] == [["channel", "outcome"]]
    assert directive["Metrics"] == [{"Name": "vigil_notifications_total", "Unit": "Count"}]
    assert first["vigil_notifications_total"] == 1 and first["channel"] == "sms" and first["outcome"] == "sent"
    assert lines[1]["vigil_queue_lag_seconds"] == 1.5
    assert lines[1]["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] == "Seconds"
