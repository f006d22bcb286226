"""The envelope every event travels in and the payload model of each event type.

A domain adds its event type here; publishing an unknown type or a payload that does not fit
its model is a programming error and raises before anything leaves the process.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from vigil import errors

SOURCE = "vigil"


class Payload(BaseModel):
    """Base of event payloads: camelCase on the wire, unknown fields kept for newer producers."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class Envelope(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    type: str
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    correlation_id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    payload: dict[str, Any]

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True)


class AlertTriggered(Payload):
    alert_id: str
    rule_id: str
    rule_name: str
    loader_code: str
    severity: str
    triggered_at: str
    current_value: float | None = None
    threshold: float | None = None
    labels: dict[str, str] = {}
    chart_id: str | None = None


class AlertResolved(Payload):
    alert_id: str
    rule_id: str
    rule_name: str = ""
    loader_code: str
    severity: str
    resolved_at: str


class AlertAcknowledged(Payload):
    """Someone took the alert: escalation for it stops."""

    alert_id: str
    rule_id: str
    acknowledged_by: str
    acknowledged_at: str


class IncidentCreated(Payload):
    incident_id: str
    title: str
    severity: str
    status: str
    loader_code: str | None = None
    assignee: str | None = None
    alert_ids: list[str] = []
    url: str | None = None


class IncidentUpdated(Payload):
    """`changes` maps each changed field to {"from": old, "to": new}; a note adds "note"."""

    incident_id: str
    changes: dict[str, Any]
    actor: str | None = None
    origin: str = "vigil"  # "jira" when the change came from a Jira webhook (no echo back)
    # The incident as it is after the change, so consumers need not read it back.
    title: str | None = None
    severity: str | None = None
    status: str | None = None
    assignee: str | None = None
    url: str | None = None


class NotificationRequested(Payload):
    """One message to send on one channel (from escalation steps, consumers, manual sends).

    `recipient` or `targets` name who; `context` fills the template; `escalation` ties it to
    an escalation execution (policy id, level) so an acknowledgement can stop the rest.
    """

    channel: str
    template: str
    recipient: str | None = None
    targets: list[dict[str, Any]] = []
    context: dict[str, Any] = {}
    escalation: dict[str, Any] | None = None


class LoaderRunRequested(Payload):
    """`attempt` counts re-queues while the loader is at its maxParallelism; `trigger` is
    SCHEDULE (the scheduler) or MANUAL (run now)."""

    loader_code: str
    execution_id: str
    attempt: int = 1
    trigger: str = "SCHEDULE"


class PlatformPing(Payload):
    """A harmless event for smoke tests and health probes of the bus."""

    note: str = ""


EVENT_TYPES: dict[str, type[Payload]] = {
    "alert.triggered": AlertTriggered,
    "alert.resolved": AlertResolved,
    "alert.acknowledged": AlertAcknowledged,
    "incident.created": IncidentCreated,
    "incident.updated": IncidentUpdated,
    "notification.requested": NotificationRequested,
    "loader.run.requested": LoaderRunRequested,
    "platform.ping": PlatformPing,
}


def make(event_type: str, payload: BaseModel | dict[str, Any], *, correlation_id: str | None = None) -> Envelope:
    model = EVENT_TYPES.get(event_type)
    if model is None:
        raise errors.ValidationFailed(f"unknown event type {event_type!r}")
    data = payload.model_dump(by_alias=True) if isinstance(payload, BaseModel) else payload
    checked = model.model_validate(data).model_dump(mode="json", by_alias=True)
    kwargs: dict[str, Any] = {"type": event_type, "payload": checked}
    if correlation_id:
        kwargs["correlation_id"] = correlation_id
    return Envelope(**kwargs)


def parse_envelope(body: str) -> Envelope:
    """Read an envelope from an SQS body: raw, or wrapped by EventBridge in `detail`.

    Raises PoisonMessage when the body can never be understood.
    """
    try:
        data = json.loads(body)
    except (TypeError, ValueError) as exc:
        raise errors.PoisonMessage(f"message body is not JSON: {exc}") from exc
    if isinstance(data, dict) and "detail-type" in data and isinstance(data.get("detail"), dict):
        data = data["detail"]
    try:
        envelope = Envelope.model_validate(data)
    except ValidationError as exc:
        raise errors.PoisonMessage(f"message is not an event envelope: {exc.errors()[:3]}") from exc
    model = EVENT_TYPES.get(envelope.type)
    if model is None:
        raise errors.PoisonMessage(f"unknown event type {envelope.type!r}")
    try:
        model.model_validate(envelope.payload)
    except ValidationError as exc:
        raise errors.PoisonMessage(
            f"payload of {envelope.type} is invalid: {exc.errors()[:3]}"
        ) from exc
    return envelope
