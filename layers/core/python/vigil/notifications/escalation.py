"""Escalation ladders on Step Functions.

`plan` flattens a policy into steps, one per (level, channel): each step carries a complete
`notification.requested` envelope and the seconds to wait after it (the level's wait after
its last channel). `statemachines/escalation.asl.json` loops over the steps: send the
message to the `notifications-requested` queue, wait, next. Starting is idempotent per
subject (the execution is named after it); acknowledging stops the execution, and the
consumer refuses to send for a stopped escalation in case a message was already on its way.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from vigil import aws
from vigil.db import Database
from vigil.events.catalog import NotificationRequested, make
from vigil.logging import get_logger
from vigil.notifications import repository as repo
from vigil.notifications import routing
from vigil.notifications.models import EscalationStatus, SubjectType
from vigil.settings import get_settings

log = get_logger(__name__)

STATE_MACHINE = "escalation"
_NAMESPACE = uuid.UUID("6b1d0f3e-9a51-4c1e-8a43-0d6f7f4c2e10")


def escalation_id(subject_type: SubjectType, subject_id: str) -> str:
    """Deterministic, so a retried start after a crash names the same execution."""
    return str(uuid.uuid5(_NAMESPACE, f"{subject_type.value}:{subject_id}"))


def plan(*, policy: Mapping[str, Any], escalation: str, subject_type: SubjectType, subject_id: str,
         template: str, context: dict[str, Any], correlation: str | None = None) -> list[dict[str, Any]]:
    levels = list(policy["levels"])
    steps: list[dict[str, Any]] = []
    number = 0
    for _ in range(int(policy.get("repeat") or 0) + 1):
        for level in levels:
            number += 1
            channels = list(level["channels"])
            for i, channel in enumerate(channels):
                payload = NotificationRequested(
                    channel=channel, template=template, targets=list(level["targets"]),
                    context={**context, "level": number},
                    escalation={"escalationId": escalation, "policyId": policy["id"], "level": number,
                                "subjectType": subject_type.value, "subjectId": subject_id},
                )
                envelope = make("notification.requested", payload, correlation_id=correlation)
                wait = int(level["waitSeconds"]) if i == len(channels) - 1 else 0
                steps.append({"level": number, "channel": channel, "waitSeconds": wait,
                              "message": envelope.to_json()})
    if steps:
        steps[-1]["waitSeconds"] = 0  # nothing follows the last step
    return steps


def execution_name(subject_type: SubjectType, subject_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", f"{subject_type.value}-{subject_id}")[:80]


def state_machine_arn() -> str:
    name = get_settings().resource_name(STATE_MACHINE)
    sfn = aws.client("stepfunctions")
    for page in sfn.get_paginator("list_state_machines").paginate():
        for machine in page["stateMachines"]:
            if machine["name"] == name:
                return str(machine["stateMachineArn"])
    raise LookupError(f"state machine {name} does not exist; run `vigil bootstrap`")


def start(db: Database, *, subject_type: SubjectType, subject_id: str, template: str, context: dict[str, Any],
          severity: str | None, loader_code: str | None, labels: Mapping[str, str] | None = None,
          correlation: str | None = None) -> dict[str, Any]:
    """Start the ladder for a subject once; an acknowledgement that came first wins."""
    esc_id = escalation_id(subject_type, subject_id)
    with db.session() as s:
        row = repo.lock_or_create_escalation(s, escalation_id=esc_id, subject_type=subject_type.value,
                                             subject_id=subject_id, status=EscalationStatus.PENDING.value)
        if not row["context"]:
            repo.update_escalation(s, row["id"], {"context": context})
        if row["status"] != EscalationStatus.PENDING.value:
            log.info("escalation not started", extra={"escalationId": row["id"], "status": row["status"]})
            return row
        policy = routing.select_policy(repo.all_policies(s), severity=severity, loader_code=loader_code,
                                       labels=labels or {})
        if policy is None:
            log.warning("no escalation policy matches", extra={"subject": f"{subject_type}:{subject_id}"})
            updated = repo.update_escalation(s, row["id"], {"status": EscalationStatus.NO_POLICY.value,
                                                            "context": context})
            assert updated is not None
            return updated
        steps = plan(policy=policy, escalation=row["id"], subject_type=subject_type, subject_id=subject_id,
                     template=template, context=context, correlation=correlation)
        # Started inside the transaction that holds the row lock: a concurrent acknowledgement
        # waits, then finds the ARN to stop.
        arn = _start_execution(execution_name(subject_type, subject_id),
                               {"escalationId": row["id"], "subjectType": subject_type.value,
                                "subjectId": subject_id, "steps": steps})
        updated = repo.update_escalation(s, row["id"], {
            "status": EscalationStatus.RUNNING.value, "policy_id": policy["id"], "execution_arn": arn,
            "steps": len(steps), "started_at": datetime.now(UTC), "context": context})
        assert updated is not None
        log.info("escalation started", extra={"escalationId": row["id"], "policy": policy["name"], "steps": len(steps)})
        return updated


def _start_execution(name: str, document: dict[str, Any]) -> str:
    sfn = aws.client("stepfunctions")
    machine = state_machine_arn()
    try:
        return str(sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps(document))["executionArn"])
    except aws.ClientErrorType as exc:
        if aws.error_code(exc) != "ExecutionAlreadyExists":
            raise
        # Started by an earlier attempt whose commit was lost: the same execution it is.
        return machine.replace(":stateMachine:", ":execution:") + f":{name}"


def stop(db: Database, *, subject_type: SubjectType, subject_id: str, status: EscalationStatus,
         actor: str | None) -> dict[str, Any] | None:
    """Mark the subject's escalation stopped (creating the row if the start has not happened
    yet) and stop its execution. Returns the row, or None when it was stopped already."""
    esc_id = escalation_id(subject_type, subject_id)
    with db.session() as s:
        row = repo.lock_or_create_escalation(s, escalation_id=esc_id, subject_type=subject_type.value,
                                             subject_id=subject_id, status=status.value)
        already = EscalationStatus(row["status"]).stopped and row["stopped_at"] is not None
        if not already:
            updated = repo.update_escalation(s, row["id"], {"status": status.value, "acknowledged_by": actor,
                                                            "stopped_at": datetime.now(UTC)})
    if row["execution_arn"]:
        # Also when the row says stopped: a stop whose StopExecution failed is retried with its
        # message, and stopping a stopped execution is harmless.
        _stop_execution(row["execution_arn"], cause=f"{status.value.lower()} by {actor or 'system'}")
    if already:
        return None
    log.info("escalation stopped", extra={"escalationId": row["id"], "status": status.value})
    return updated


def supersede(db: Database, *, alert_id: str, incident_id: str) -> bool:
    """The incident's ladder replaces the alert's: stop the alert's (or keep it from starting)
    and remember the incident, so acknowledging the alert still reaches the ladder that pages."""
    with db.session() as s:
        row = repo.lock_or_create_escalation(s, escalation_id=escalation_id(SubjectType.ALERT, alert_id),
                                             subject_type=SubjectType.ALERT.value, subject_id=alert_id,
                                             status=EscalationStatus.SUPERSEDED.value)
        already = EscalationStatus(row["status"]).stopped and row["stopped_at"] is not None
        if not already:
            repo.update_escalation(s, row["id"], {
                "status": EscalationStatus.SUPERSEDED.value, "stopped_at": datetime.now(UTC),
                "context": {**(row["context"] or {}), "supersededBy": incident_id}})
    if row["execution_arn"]:
        _stop_execution(row["execution_arn"], cause=f"superseded by incident {incident_id}")
    if not already:
        log.info("alert escalation superseded", extra={"alertId": alert_id, "incidentId": incident_id})
    return not already


def superseded_by(db: Database, *, alert_id: str) -> str | None:
    with db.session() as s:
        row = repo.find_escalation(s, SubjectType.ALERT.value, alert_id)
    return None if row is None else (row["context"] or {}).get("supersededBy")


def _stop_execution(arn: str, *, cause: str) -> None:
    try:
        aws.client("stepfunctions").stop_execution(executionArn=arn, cause=cause[:200])
    except aws.ClientErrorType as exc:
        # Finished or gone already: nothing left to stop.
        if aws.error_code(exc) not in ("ExecutionDoesNotExist", "ExecutionNotRunning", "InvalidArn"):
            raise


def status_of(db: Database, *, escalation: str) -> EscalationStatus | None:
    with db.session() as s:
        row = repo.get_escalation(s, escalation)
    return None if row is None else EscalationStatus(row["status"])
