"""The issue's "done when", through the local runtime (bus → queues → consumers → Step
Functions on moto → queue → provider): an alert fires, the on-call gets an e-mail, then an
SMS from the middleware double after the wait, acknowledging stops the ladder before the
voice call, and every attempt is in the delivery log. The same for an incident."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.support.notification_doubles import MiddlewareDouble, SmtpDouble, notification_settings
from tests.support.wait import eventually
from vigil import aws
from vigil.events import publisher
from vigil.local.runtime import LocalRuntime

GROUPS = "/api/v1/notifications/contact-groups"
POLICIES = "/api/v1/notifications/escalation-policies"


@pytest.fixture(scope="module")
def ladder(services):
    smtp, middleware = SmtpDouble().start(), MiddlewareDouble().start()
    runtime = LocalRuntime(notification_settings(smtp, middleware), only=["notifications"], serve=False).start()
    yield smtp, middleware
    runtime.stop()
    smtp.stop()
    middleware.stop()




def _setup(operator, loader: str, *, first_wait: int = 2, second_wait: int = 3):
    # Waits leave room for an acknowledgement to travel bus → queue → consumer on a busy machine.
    tag = uuid.uuid4().hex[:8]
    ann = {"name": "Ann", "email": f"ann-{tag}@example.com", "phone": f"+49160{uuid.uuid4().int % 10**7:07d}"}
    boss = {"name": "Max", "email": f"max-{tag}@example.com"}
    oncall = operator.post(GROUPS, {"name": f"oncall-{tag}", "members": [ann]}).body
    managers = operator.post(GROUPS, {"name": f"managers-{tag}", "members": [boss]}).body
    res = operator.post(POLICIES, {
        "name": f"fast-{tag}", "match": {"loaderCodes": [loader]},
        "levels": [
            {"channels": ["email"], "targets": [{"contactGroupId": oncall["id"]}], "waitSeconds": first_wait},
            {"channels": ["sms"], "targets": [{"contactGroupId": oncall["id"]}], "waitSeconds": second_wait},
            {"channels": ["ivr"], "targets": [{"contactGroupId": oncall["id"]}], "waitSeconds": 1},
            {"channels": ["email"], "targets": [{"contactGroupId": managers["id"]}], "waitSeconds": 0},
        ]})
    assert res.status == 201, res
    return ann, boss


def _escalation(viewer, subject_id: str) -> dict | None:
    items = viewer.get("/api/v1/notifications/escalations", query={"subjectId": subject_id}).body["items"]
    return items[0] if items else None


def test_alert_fires_email_then_sms_and_ack_stops_before_the_voice_call(ladder, operator, viewer):
    smtp, middleware = ladder
    loader = f"LADDER_{uuid.uuid4().hex[:6].upper()}"
    ann, boss = _setup(operator, loader)
    alert_id = str(uuid.uuid4())

    # WHEN the alert fires (as the alerting service publishes it)
    publisher.publish("alert.triggered", {
        "alertId": alert_id, "ruleId": str(uuid.uuid4()), "ruleName": "Orders dropped", "loaderCode": loader,
        "severity": "CRITICAL", "triggeredAt": "2026-11-27T06:00:00Z", "currentValue": 3.0, "threshold": 10.0})

    # THEN the on-call gets the e-mail
    mail = smtp.wait_for(ann["email"])[0]
    email_at = time.time()
    assert mail["Subject"] == "[CRITICAL] Orders dropped triggered"
    assert f"/alerts/{alert_id}" in mail.get_body(("plain",)).get_content()
    # AND after the level's wait, the SMS from the middleware
    sms = eventually(lambda: [c for c in middleware.channel_calls("sms") if c["body"]["to"] == ann["phone"]])
    assert len(sms) == 1 and time.time() - email_at >= 1.0
    assert sms[0]["body"]["text"].startswith("[CRITICAL] Orders dropped triggered")

    # WHEN someone acknowledges the alert (as POST /api/v1/alerts/{id}/acknowledge publishes it)
    publisher.publish("alert.acknowledged", {"alertId": alert_id, "ruleId": "r", "acknowledgedBy": "ann",
                                             "acknowledgedAt": "2026-11-27T06:01:00Z"})
    esc = eventually(lambda: (e := _escalation(viewer, alert_id)) and e["status"] == "ACKNOWLEDGED" and e)
    assert esc and esc["acknowledgedBy"] == "ann"
    # THEN the execution is stopped and no voice call or manager mail follows
    execution = aws.client("stepfunctions").describe_execution(executionArn=esc["executionArn"])
    assert execution["status"] == "ABORTED"
    # The execution is aborted, so no step can follow; a step queued just before the stop would
    # reach its consumer within a poll (and be refused): give it that time, then look.
    time.sleep(1.5)
    assert [c for c in middleware.channel_calls("ivr") if c["body"]["to"] == ann["phone"]] == []
    assert smtp.to(boss["email"]) == []

    # AND every attempt is in the delivery log
    log = viewer.get("/api/v1/notifications/log", query={"subjectId": alert_id}).body
    assert sorted((r["channel"], r["status"], r["level"], r["recipient"]) for r in log["items"]) == [
        ("email", "sent", 1, ann["email"]), ("sms", "sent", 2, ann["phone"])]


def test_incident_opens_pages_and_investigating_stops_it(ladder, operator, viewer, admin):
    smtp, middleware = ladder
    loader = f"INC_{uuid.uuid4().hex[:6].upper()}"
    ann, _ = _setup(operator, loader, first_wait=4)
    assignee = f"assignee-{uuid.uuid4().hex[:6]}"
    admin.post("/api/v1/admin/users", {"username": assignee, "password": "long-enough-1", "role": "OPERATOR",
                                       "email": f"{assignee}@example.com"})
    incident_id = str(uuid.uuid4())
    publisher.publish("incident.created", {"incidentId": incident_id, "title": "Checkout down",
                                           "severity": "HIGH", "status": "NEW", "loaderCode": loader,
                                           "assignee": assignee})
    mail = smtp.wait_for(ann["email"])[0]
    assert str(mail["Subject"]).strip() == "[HIGH] Incident opened: Checkout down"
    told = smtp.wait_for(f"{assignee}@example.com")[0]
    assert str(told["Subject"]).strip() == "Incident assigned to you: Checkout down"

    publisher.publish("incident.updated", {"incidentId": incident_id, "actor": "ann",
                                           "changes": {"status": {"from": "NEW", "to": "INVESTIGATING"}}})
    esc = eventually(lambda: (e := _escalation(viewer, incident_id)) and e["status"] == "ACKNOWLEDGED" and e)
    assert esc, _escalation(viewer, incident_id)
    execution = aws.client("stepfunctions").describe_execution(executionArn=esc["executionArn"])
    assert execution["status"] == "ABORTED"
    time.sleep(1.5)  # as above: a step queued just before the stop has reached its consumer
    assert [c for c in middleware.channel_calls("sms") if c["body"]["to"] == ann["phone"]] == []


def test_a_manual_notification_is_delivered_and_traceable(ladder, operator, viewer):
    smtp, _ = ladder
    to = f"manual-{uuid.uuid4().hex[:8]}@example.com"
    res = operator.post("/api/v1/notifications/send", {"channel": "email", "recipient": to,
                                                       "subject": "Maintenance tonight", "message": "db-1 at 22:00"})
    assert res.status == 202
    mail = smtp.wait_for(to)[0]
    assert str(mail["Subject"]).strip() == "Maintenance tonight"
    query = {"eventId": res.body["requestId"]}
    rows = eventually(lambda: viewer.get("/api/v1/notifications/log", query=query).body["items"])
    assert [(r["recipient"], r["status"], r["template"]) for r in rows] == [(to, "sent", "manual")]
