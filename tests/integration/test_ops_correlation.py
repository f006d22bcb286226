"""Correlation ids follow an event chain through the logs: a consumer binds the id of the event
it handles, events it publishes inherit it, and every log line on the way carries it (what the
runbook's "following one alert end to end" relies on)."""

from __future__ import annotations

import io
import json
import logging
import textwrap
import time

import pytest

from vigil.events import publisher
from vigil.local.runtime import LocalRuntime
from vigil.logging import JsonFormatter

RELAY_APP = textwrap.dedent('''
    from chalice import Chalice

    from vigil.events import publisher
    from vigil.events.consumer import consume
    from vigil.logging import correlation_id, get_logger
    from vigil.redis import get_store

    app = Chalice(app_name="vigil-relay")
    log = get_logger("relay")


    def _forward(envelope):
        log.info("relaying", extra={"step": "first"})
        publisher.publish("loader.run.requested", {"loaderCode": "RELAY", "executionId": envelope.id})


    def _record(envelope):
        log.info("recording", extra={"step": "second"})
        store = get_store()
        store.client.rpush(store.key("relay"), f"{envelope.correlation_id}|{correlation_id.get()}")


    @app.on_sqs_message(queue="relay-in", batch_size=1)
    def on_in(event):
        consume(event, consumer="relay-in", handlers={"platform.ping": _forward})


    @app.on_sqs_message(queue="relay-out", batch_size=1)
    def on_out(event):
        consume(event, consumer="relay-out", handlers={"loader.run.requested": _record})
''')

DEFINITION = """
bus: events
buckets: []
queues:
  - {name: relay-in, events: [platform.ping], visibilityTimeout: 5}
  - {name: relay-out, events: [loader.run.requested], visibilityTimeout: 5}
stateMachines: []
"""


@pytest.fixture(scope="module")
def private_platform(services):
    """Settings of a platform of this test's own (database, Redis prefix, AWS prefix), so the
    incident it opens and the Jira / policy configuration of other tests never meet."""
    from vigil import db
    from vigil import redis as redis_adapter

    name = f"{services.database_name}_corr"
    db.admin_execute(services.admin_url,
                     [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'])
    settings = services.settings.model_copy(update={
        "database_url": db.with_database(services.admin_url, name),
        "redis_key_prefix": f"{services.settings.redis_key_prefix}corr:",
        "resource_prefix": f"c{services.run_id}-",
    })
    yield settings
    redis_adapter.Store(str(settings.redis_url), prefix=settings.redis_key_prefix).delete_prefixed()
    db.admin_execute(services.admin_url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


@pytest.fixture
def relay(private_platform, tmp_path):
    root = tmp_path / "relay"
    (root / "functions" / "relay").mkdir(parents=True)
    (root / "functions" / "relay" / "app.py").write_text(RELAY_APP)
    (root / "resources.yaml").write_text(DEFINITION)
    rt = LocalRuntime(private_platform, definition=root / "resources.yaml", functions_dir=root / "functions",
                      serve=False).start()
    yield rt
    rt.stop()


@pytest.fixture
def json_logs():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_one_correlation_id_follows_the_chain_through_events_and_logs(relay, json_logs):
    from vigil.redis import get_store

    store = get_store()  # the private platform's, while its runtime runs
    # GIVEN an event published with a known correlation id (as an HTTP request would bind it)
    start = publisher.publish("platform.ping", {"note": "trace me"}, correlation="corr-e2e-1")
    # WHEN the first consumer handles it and publishes a follow-up event
    deadline = time.time() + 20
    while time.time() < deadline and not store.client.lrange(store.key("relay"), 0, -1):
        time.sleep(0.1)
    # THEN the follow-up carries the same id, and so does the second consumer's context
    assert store.client.lrange(store.key("relay"), 0, -1) == ["corr-e2e-1|corr-e2e-1"]
    assert start.correlation_id == "corr-e2e-1"
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines() if line.startswith("{")]
    steps = {line.get("step"): line.get("correlationId") for line in lines if line.get("step")}
    assert steps == {"first": "corr-e2e-1", "second": "corr-e2e-1"}
    published = [line for line in lines if line["message"] == "event published"
                 and line.get("eventType") == "loader.run.requested"]
    assert published and all(line["correlationId"] == "corr-e2e-1" for line in published)


def test_an_alerts_correlation_id_reaches_its_incident_ticket_and_notifications(private_platform, json_logs):
    """The real apps: alert.triggered → incidents (incident.created) → Jira sync and notifications,
    every step's log lines carrying the alert's correlation id."""
    import uuid
    from datetime import UTC, datetime

    rt = LocalRuntime(private_platform, serve=False).start()
    try:
        cid = f"corr-{uuid.uuid4().hex[:10]}"
        publisher.publish("alert.triggered", {
            "alertId": str(uuid.uuid4()), "ruleId": str(uuid.uuid4()), "ruleName": "Disk almost full",
            "loaderCode": "CORR_E2E", "severity": "CRITICAL", "triggeredAt": datetime.now(UTC).isoformat(),
            "currentValue": 99.0, "threshold": 90.0, "labels": {}}, correlation=cid)

        def traced() -> list[dict]:
            return [json.loads(line) for line in json_logs.getvalue().splitlines()
                    if line.startswith("{") and cid in line]

        def complete(lines: list[dict]) -> bool:
            loggers = {line["logger"] for line in lines}
            incident_published = any(line.get("eventType") == "incident.created" for line in lines)
            return (incident_published and any(name.startswith("vigil.integrations") for name in loggers)
                    and sum(name.startswith("vigil.notifications") for name in loggers) >= 1)

        deadline = time.time() + 30
        while time.time() < deadline and not complete(traced()):
            time.sleep(0.2)
        lines = traced()
    finally:
        rt.stop()
    # THEN the incident was announced, the Jira consumer and the notifications consumers all
    # logged under the alert's correlation id, and no line of the chain lost it
    assert complete(lines), [(line["logger"], line["message"]) for line in lines]
    assert all(line["correlationId"] == cid for line in lines)
