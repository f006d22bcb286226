"""One problem, one ladder: when an incident opens from alerts, its ladder replaces theirs;
acknowledging one of those alerts acknowledges the ladder that now pages. Real Step Functions
executions on moto, real database."""

from __future__ import annotations

import uuid

from vigil import aws
from vigil.events.catalog import make
from vigil.notifications import escalation, flows
from vigil.notifications.models import EscalationStatus, SubjectType

GROUPS = "/api/v1/notifications/contact-groups"
POLICIES = "/api/v1/notifications/escalation-policies"


def _policy(operator, loader: str) -> None:
    group = operator.post(GROUPS, {"name": f"g-{uuid.uuid4().hex[:6]}",
                                   "members": [{"name": "Ann", "email": "ann@example.com"}]}).body
    res = operator.post(POLICIES, {"name": f"p-{uuid.uuid4().hex[:6]}", "match": {"loaderCodes": [loader]},
                                   "levels": [{"channels": ["email"], "targets": [{"contactGroupId": group["id"]}],
                                               "waitSeconds": 120},
                                              {"channels": ["sms"], "targets": [{"contactGroupId": group["id"]}],
                                               "waitSeconds": 0}]})
    assert res.status == 201, res


def _alert(alert_id: str, loader: str):
    return make("alert.triggered", {"alertId": alert_id, "ruleId": "r", "ruleName": "Orders dropped",
                                    "loaderCode": loader, "severity": "CRITICAL",
                                    "triggeredAt": "2026-11-27T06:00:00Z"})


def _row(viewer, subject_id: str) -> dict:
    return viewer.get("/api/v1/notifications/escalations", query={"subjectId": subject_id}).body["items"][0]


def _execution_status(arn: str) -> str:
    return aws.client("stepfunctions").describe_execution(executionArn=arn)["status"]


def test_an_incident_ladder_replaces_its_alerts_and_their_ack_reaches_it(operator, viewer, db):
    loader = f"SUP_{uuid.uuid4().hex[:6].upper()}"
    _policy(operator, loader)
    first, late = str(uuid.uuid4()), str(uuid.uuid4())
    # GIVEN the first alert's ladder runs
    flows.on_alert_triggered(_alert(first, loader))
    alert_row = _row(viewer, first)
    assert alert_row["status"] == "RUNNING" and _execution_status(alert_row["executionArn"]) == "RUNNING"

    # WHEN the incident opens from it and from an alert whose trigger has not been handled yet
    incident_id = str(uuid.uuid4())
    flows.on_incident_created(make("incident.created", {
        "incidentId": incident_id, "title": "Orders dropped on " + loader, "severity": "CRITICAL", "status": "NEW",
        "loaderCode": loader, "alertIds": [first, late]}))

    # THEN the incident pages, the alert's ladder is stopped and the late alert never starts one
    incident_row = _row(viewer, incident_id)
    assert incident_row["status"] == "RUNNING"
    assert _row(viewer, first)["status"] == "SUPERSEDED"
    assert _execution_status(alert_row["executionArn"]) == "ABORTED"
    flows.on_alert_triggered(_alert(late, loader))
    late_row = _row(viewer, late)
    assert late_row["status"] == "SUPERSEDED" and late_row["executionArn"] is None

    # WHEN someone acknowledges one of the alerts, THEN the incident's ladder stops
    flows.on_alert_acknowledged(make("alert.acknowledged", {"alertId": late, "ruleId": "r",
                                                            "acknowledgedBy": "ann",
                                                            "acknowledgedAt": "2026-11-27T06:02:00Z"}))
    incident_row = _row(viewer, incident_id)
    assert incident_row["status"] == "ACKNOWLEDGED" and incident_row["acknowledgedBy"] == "ann"
    assert _execution_status(incident_row["executionArn"]) == "ABORTED"


def test_an_alert_linked_later_is_superseded_when_the_event_names_it(db):
    alert_id, incident_id = str(uuid.uuid4()), str(uuid.uuid4())
    flows.on_incident_updated(make("incident.updated", {
        "incidentId": incident_id, "changes": {"alertCount": {"from": 1, "to": 2}}, "alertIds": [alert_id]}))
    state = escalation.status_of(db, escalation=escalation.escalation_id(SubjectType.ALERT, alert_id))
    assert state is EscalationStatus.SUPERSEDED
    assert escalation.superseded_by(db, alert_id=alert_id) == incident_id


def test_an_incident_without_a_ladder_leaves_its_alerts_paging(operator, viewer):
    loader = f"SUP_{uuid.uuid4().hex[:6].upper()}"
    _policy(operator, loader)
    alert_id, incident_id = str(uuid.uuid4()), str(uuid.uuid4())
    flows.on_alert_triggered(_alert(alert_id, loader))
    flows.on_incident_created(make("incident.created", {  # no policy matches this incident's loader
        "incidentId": incident_id, "title": "t", "severity": "INFO", "status": "NEW",
        "loaderCode": "NO_POLICY_FOR_THIS", "alertIds": [alert_id]}))
    assert _row(viewer, incident_id)["status"] == "NO_POLICY"
    alert_row = _row(viewer, alert_id)
    assert alert_row["status"] == "RUNNING" and _execution_status(alert_row["executionArn"]) == "RUNNING"
    flows.on_alert_resolved(make("alert.resolved", {"alertId": alert_id, "ruleId": "r", "loaderCode": loader,
                                                    "severity": "CRITICAL", "resolvedAt": "2026-11-27T06:05:00Z"}))
    assert _row(viewer, alert_id)["status"] == "RESOLVED"
    assert _execution_status(alert_row["executionArn"]) == "ABORTED"
