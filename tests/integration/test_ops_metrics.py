"""`GET /metrics` on the local runtime: HTTP requests, queue outcomes and lag, DLQ depth; and a
DLQ redrive that puts a message back in front of its consumer."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from tests.support.wait import eventually
from vigil import aws
from vigil.events import publisher
from vigil.events.catalog import make
from vigil.local.runtime import LocalRuntime
from vigil.ops import dlq, metrics
from vigil.platform.resources import load
from vigil.settings import get_settings

FIXTURES = Path(__file__).parents[1] / "fixtures"
DEFINITION = FIXTURES / "resources.yaml"


@pytest.fixture(scope="module")
def runtime(services):
    settings = get_settings().model_copy(update={"port": 0})
    rt = LocalRuntime(settings, definition=DEFINITION, functions_dir=FIXTURES / "functions").start()
    yield rt
    rt.stop()


def _scrape(rt) -> str:
    with urllib.request.urlopen(rt.base_url + "/metrics", timeout=10) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return resp.read().decode()


def _value(text: str, series: str) -> float:
    found = re.search(rf"^{re.escape(series)} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0




def test_metrics_show_processed_messages_and_their_lag(runtime, store):
    first = _scrape(runtime)
    before = _value(first, 'vigil_queue_messages_total{consumer="probe-a",outcome="processed"}')
    published = _value(first, 'vigil_events_published_total{type="platform.ping"}')
    ping = publisher.publish("platform.ping", {"note": "metrics"})
    assert eventually(lambda: ping.id in store.client.lrange(store.key("probe", "probe-a"), 0, -1))
    text = eventually(lambda: (t := _scrape(runtime)) and _value(
        t, 'vigil_queue_messages_total{consumer="probe-a",outcome="processed"}') > before and t)
    assert _value(text, 'vigil_queue_messages_total{consumer="probe-a",outcome="processed"}') >= before + 1
    assert _value(text, 'vigil_queue_lag_seconds_count{consumer="probe-a"}') >= 1
    assert _value(text, 'vigil_queue_handler_duration_seconds_count{consumer="probe-a"}') >= 1
    assert _value(text, 'vigil_events_published_total{type="platform.ping"}') >= published + 1


def test_a_dead_lettered_message_shows_as_dlq_depth(runtime):
    # straight onto the probe queue: on the bus it would also reach the real consumers' queues
    publisher.send_to_queue("probe-failing", make("incident.updated", {
        "incidentId": "i-1", "incidentNumber": "INC-1", "status": "OPEN", "severity": "LOW", "title": "t",
        "changes": {}}))
    text = eventually(lambda: (t := _scrape(runtime)) and _value(t, 'vigil_dlq_depth{queue="probe-failing"}') >= 1
                       and t, timeout=30)
    assert _value(text, 'vigil_dlq_depth{queue="probe-failing"}') >= 1
    assert _value(text, 'vigil_queue_messages_total{consumer="probe-failing",outcome="dead_lettered"}') >= 1
    assert "# TYPE vigil_dlq_depth gauge" in text


def test_http_requests_are_counted_by_route_and_status(runtime, client):
    series = 'vigil_http_requests_total{app="vigil-platform",method="GET",route="/api/v1/health",status="200"}'
    before = _value(_scrape(runtime), series)
    assert client.get("/api/v1/health").status == 200
    text = _scrape(runtime)
    assert _value(text, series) == before + 1
    assert _value(text, 'vigil_http_request_duration_seconds_count{app="vigil-platform",method="GET",'
                        'route="/api/v1/health"}') >= 1


def test_redrive_moves_dead_letters_back_to_their_consumer(runtime, store):
    # GIVEN an event parked in probe-c's DLQ (say, its handler was broken when it arrived)
    envelope = make("loader.run.requested", {"loaderCode": "RD", "executionId": "e-redrive"})
    sqs = aws.client("sqs")
    dlq_url = sqs.get_queue_url(QueueName=get_settings().resource_name("probe-c-dlq"))["QueueUrl"]
    sqs.send_message(QueueUrl=dlq_url, MessageBody=envelope.to_json())
    # WHEN the DLQ is redriven
    result = dlq.redrive(load(DEFINITION), "probe-c")
    # THEN the consumer processes it and the DLQ is empty
    assert result["moved"] >= 1
    assert eventually(lambda: envelope.id in store.client.lrange(store.key("probe", "probe-c"), 0, -1))
    assert dlq.depths(load(DEFINITION))["probe-c"] == 0
    with pytest.raises(ValueError, match="unknown queue"):
        dlq.redrive(load(DEFINITION), "nope")


def _count(name: str, **labels: str) -> float:
    return metrics.REGISTRY.value(name, **labels) or 0


def test_a_failed_jira_call_is_counted_by_operation(services):
    from vigil.integrations.jira.client import JiraClient
    from vigil.integrations.jira.config import JiraConfig
    from vigil.integrations.jira.exceptions import JiraUnavailable
    from vigil.integrations.jira.retry import RetryPolicy
    from vigil.integrations.jira.schemas import DeploymentType
    from vigil.local.embedded import free_port

    cfg = JiraConfig(base_url=f"http://127.0.0.1:{free_port()}", deployment_type=DeploymentType.DATA_CENTER,
                     project_key="OPS", issue_type="Task", webhook_secret="s", personal_access_token="t")
    before = _count("vigil_jira_failures_total", operation="myself")
    with pytest.raises(JiraUnavailable):  # nothing listens on that port
        JiraClient(cfg, policy=RetryPolicy(max_attempts=2), sleep=lambda _: None, timeout=2).myself()
    assert _count("vigil_jira_failures_total", operation="myself") == before + 1  # once, not per attempt
