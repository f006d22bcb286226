"""Helpers for the Jira tests: configure the integration against a double, create incidents
through the incidents service, and feed messages to the integrations app's queue handler in
Lambda's SQS event format (with a chosen receive count)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.jira_double import JiraDouble
from vigil import aws
from vigil import settings as settings_mod
from vigil.db import get_database
from vigil.events.catalog import Envelope, make
from vigil.incidents import service as incidents
from vigil.incidents.schemas import CreateIncident
from vigil.integrations.jira import repository as repo
from vigil.integrations.jira.schemas import JiraConfigIn
from vigil.integrations.jira.service import put_config
from vigil.local.apps import load_app
from vigil.settings import get_settings

APP = Path(__file__).resolve().parents[2] / "functions" / "integrations" / "app.py"
WEBHOOK_SECRET = "whsec-0123456789abcdef"
QUEUE = "integrations-jira"


def config_body(double: JiraDouble, *, user_map: dict[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "baseUrl": double.url, "deploymentType": double.flavour, "projectKey": double.project,
        "issueType": "Task",
        "priorityMap": {"CRITICAL": "Highest", "HIGH": "High", "WARNING": "Medium", "INFO": "Low"},
        "statusMap": {
            "toJira": {"NEW": "To Do", "INVESTIGATING": "In Progress", "RESOLVED": "Done", "CLOSED": "Closed"},
            "fromJira": {"To Do": "NEW", "In Progress": "INVESTIGATING", "Done": "RESOLVED", "Closed": "CLOSED"},
        },
        "userMap": user_map or {},
        "webhookSecret": WEBHOOK_SECRET,
    }
    if double.cloud:
        body.update(email=double.email, apiToken=double.api_token)
    else:
        body["personalAccessToken"] = double.pat
    return body


def configure(double: JiraDouble, *, user_map: dict[str, str] | None = None,
              integration_account: str | None = None) -> None:
    db = get_database()
    put_config(db, JiraConfigIn.model_validate(config_body(double, user_map=user_map)), actor="test",
               audit=lambda **_: None)
    if integration_account:
        with db.session() as s:
            repo.set_integration_account(s, integration_account)


def new_incident(title: str = "Checkout errors", *, severity: str = "HIGH", assignee: str | None = None,
                 description: str = "") -> str:
    out = incidents.create(get_database(), body=CreateIncident(title=title, severity=severity,
                                                               assignee=assignee, description=description),
                           actor="tester")
    return out.id


def created_event(incident_id: str) -> Envelope:
    out = incidents.get(get_database(), incident_id=incident_id)
    return make("incident.created", {"incidentId": out.id, "title": out.title, "severity": out.severity.value,
                                     "status": out.status.value, "assignee": out.assignee})


def updated_event(incident_id: str, changes: dict[str, Any], *, origin: str = "vigil",
                  actor: str = "tester") -> Envelope:
    return make("incident.updated", {"incidentId": incident_id, "changes": changes, "origin": origin,
                                     "actor": actor})


def deliver(envelope: Envelope, *, receive_count: int = 1) -> None:
    """Hand one message to the integrations app's queue handler, as Lambda would."""
    physical = get_settings().resource_name(QUEUE)
    record = {
        "messageId": str(uuid.uuid4()), "receiptHandle": "rh", "body": envelope.to_json(),
        "attributes": {"ApproximateReceiveCount": str(receive_count)}, "messageAttributes": {},
        "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{get_settings().aws_region}:123456789012:{physical}",
        "awsRegion": get_settings().aws_region,
    }
    handler = load_app(APP).app.handler_map["on_incident_event"]
    handler({"Records": [record]}, None)


def dlq_messages(expect: int = 1) -> list[dict[str, Any]]:
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName=get_settings().resource_name(f"{QUEUE}-dlq"))["QueueUrl"]
    found: list[dict[str, Any]] = []
    for _ in range(5):
        found += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                     MessageAttributeNames=["All"]).get("Messages", [])
        if len(found) >= expect:
            break
    return found


def mapping(incident_id: str) -> dict[str, Any] | None:
    with get_database().session() as s:
        return repo.get_mapping(s, incident_id)


@contextmanager
def fast_retries(**extra: Any) -> Iterator[None]:
    """Tiny backoff (and optionally a short HTTP timeout) for the duration of a test."""
    before = settings_mod.current_override()
    current = get_settings()
    settings_mod.configure(current.model_copy(update={
        "jira_backoff_base_seconds": 0.01, "jira_backoff_max_seconds": 0.02, **extra}))
    try:
        yield
    finally:
        settings_mod.configure(before)


def signed(body: dict[str, Any], secret: str = WEBHOOK_SECRET) -> tuple[bytes, dict[str, str]]:
    from vigil.integrations.jira.webhook import sign

    raw = json.dumps(body).encode()
    return raw, {"X-Hub-Signature": sign(secret, raw), "Content-Type": "application/json"}
