"""What each event means for notifications (called by the queue handlers in
functions/notifications/app.py, one function per event type)."""

from __future__ import annotations

from typing import Any

from vigil import errors
from vigil.db import Database, get_database
from vigil.events.catalog import (
    AlertAcknowledged,
    AlertResolved,
    AlertTriggered,
    Envelope,
    IncidentCreated,
    IncidentUpdated,
    NotificationRequested,
)
from vigil.logging import get_logger
from vigil.notifications import escalation, recipients, templates
from vigil.notifications import repository as repo
from vigil.notifications.delivery import Notification, deliver
from vigil.notifications.models import Channel, EscalationStatus, SubjectType
from vigil.notifications.recipients import Recipient
from vigil.settings import get_settings

log = get_logger(__name__)

ACKNOWLEDGED_STATUS = "INVESTIGATING"
CLOSING_STATUSES = ("RESOLVED", "CLOSED")


def link(kind: str, subject_id: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/{kind}/{subject_id}"


def on_alert_triggered(envelope: Envelope, *, db: Database | None = None) -> None:
    alert = AlertTriggered.model_validate(envelope.payload)
    context = {**alert.model_dump(mode="json", by_alias=True), "link": link("alerts", alert.alert_id)}
    escalation.start(db or get_database(), subject_type=SubjectType.ALERT, subject_id=alert.alert_id,
                     template="alert-triggered", context=context, severity=alert.severity,
                     loader_code=alert.loader_code, labels=alert.labels, correlation=envelope.correlation_id)


def on_alert_acknowledged(envelope: Envelope, *, db: Database | None = None) -> None:
    database = db or get_database()
    ack = AlertAcknowledged.model_validate(envelope.payload)
    escalation.stop(database, subject_type=SubjectType.ALERT, subject_id=ack.alert_id,
                    status=EscalationStatus.ACKNOWLEDGED, actor=ack.acknowledged_by)
    incident_id = escalation.superseded_by(database, alert_id=ack.alert_id)
    if incident_id:  # the alert's paging moved to its incident: the acknowledgement follows it
        escalation.stop(database, subject_type=SubjectType.INCIDENT, subject_id=incident_id,
                        status=EscalationStatus.ACKNOWLEDGED, actor=ack.acknowledged_by)


def on_alert_resolved(envelope: Envelope, *, db: Database | None = None) -> None:
    resolved = AlertResolved.model_validate(envelope.payload)
    escalation.stop(db or get_database(), subject_type=SubjectType.ALERT, subject_id=resolved.alert_id,
                    status=EscalationStatus.RESOLVED, actor=None)


def on_incident_created(envelope: Envelope, *, db: Database | None = None) -> None:
    database = db or get_database()
    incident = IncidentCreated.model_validate(envelope.payload)
    context = {**incident.model_dump(mode="json", by_alias=True),
               "link": incident.url or link("incidents", incident.incident_id)}
    ladder = escalation.start(database, subject_type=SubjectType.INCIDENT, subject_id=incident.incident_id,
                              template="incident-created", context=context, severity=incident.severity,
                              loader_code=incident.loader_code, correlation=envelope.correlation_id)
    # One problem, one ladder: the incident's replaces those of the alerts it grew from, but
    # only when it pages at all (no policy for the incident leaves the alerts' ladders running).
    if ladder["status"] == EscalationStatus.RUNNING.value:
        for alert_id in incident.alert_ids:
            escalation.supersede(database, alert_id=alert_id, incident_id=incident.incident_id)
    if incident.assignee:
        _tell_assignee(database, envelope.id, incident.incident_id, incident.assignee, context)


def on_incident_updated(envelope: Envelope, *, db: Database | None = None) -> None:
    database = db or get_database()
    update = IncidentUpdated.model_validate(envelope.payload)
    with database.session() as s:
        row = repo.find_escalation(s, SubjectType.INCIDENT.value, update.incident_id)
    # The incident after the change rides on the event (title, severity, status, assignee, url);
    # older producers send only `changes`, so the context stored at creation fills the gaps.
    current = {k: v for k, v in update.model_dump(mode="json", by_alias=True).items()
               if v is not None and k not in ("changes", "origin")}
    context: dict[str, Any] = {"title": f"incident {update.incident_id}", **((row or {}).get("context") or {}),
                               **current, "link": update.url or link("incidents", update.incident_id)}
    for field, change in update.changes.items():
        # {field: {from, to}}; a note may also come as plain text
        context[field] = change["to"] if isinstance(change, dict) and "to" in change else change
    # Alerts linked later, when the producer names them (`alertIds` on the event or in changes).
    linked = (update.model_extra or {}).get("alertIds") or _to(update.changes, "alertIds") or []
    for alert_id in linked if isinstance(linked, list) else []:
        escalation.supersede(database, alert_id=str(alert_id), incident_id=update.incident_id)
    status = _to(update.changes, "status")
    if status == ACKNOWLEDGED_STATUS or status in CLOSING_STATUSES:
        stopped = EscalationStatus.ACKNOWLEDGED if status == ACKNOWLEDGED_STATUS else EscalationStatus.RESOLVED
        escalation.stop(database, subject_type=SubjectType.INCIDENT, subject_id=update.incident_id,
                        status=stopped, actor=update.actor)
        # Whoever takes the incident takes its alerts: their ladders stop too.
        for alert_id in context.get("alertIds") or []:
            escalation.stop(database, subject_type=SubjectType.ALERT, subject_id=str(alert_id), status=stopped,
                            actor=update.actor)
        if status == "RESOLVED":
            _tell_resolved(database, envelope.id, update.incident_id, context)
    if "assignee" in update.changes and _to(update.changes, "assignee"):
        previous = update.changes["assignee"].get("from") if isinstance(update.changes["assignee"], dict) else None
        _tell_assignee(database, envelope.id, update.incident_id, str(_to(update.changes, "assignee")),
                       {**context, "previousAssignee": previous})


def _to(changes: dict[str, Any], field: str) -> Any:
    change = changes.get(field)
    return change.get("to") if isinstance(change, dict) else None


def _tell_assignee(db: Database, event_id: str, incident_id: str, assignee: str, context: dict[str, Any]) -> None:
    if "@" in assignee:
        target = Recipient(assignee)
    else:
        with db.session() as s:
            user = repo.user_by_ref(s, assignee)
        if user is None or not user.get("email"):
            log.warning("assignee has no e-mail address; not told", extra={"assignee": assignee})
            return
        target = Recipient(user["email"], user["username"])
    _send_email(db, event_id, incident_id, "incident-assigned", {**context, "assignee": assignee}, [target])


def _tell_resolved(db: Database, event_id: str, incident_id: str, context: dict[str, Any]) -> None:
    with db.session() as s:
        notified = repo.notified_recipients(s, subject_type=SubjectType.INCIDENT.value, subject_id=incident_id,
                                            channel=Channel.EMAIL.value)
    if notified:
        _send_email(db, event_id, incident_id, "incident-resolved", context, [Recipient(a) for a in notified])


def _send_email(db: Database, event_id: str, incident_id: str, template: str, context: dict[str, Any],
                targets: list[Recipient]) -> None:
    rendered = templates.render(template, Channel.EMAIL, context)
    deliver(db, notification=Notification(
        event_id=event_id, channel=Channel.EMAIL, template=template, rendered=rendered,
        subject_type=SubjectType.INCIDENT.value, subject_id=incident_id, link=context.get("link")),
        recipients=targets)


def on_notification_requested(envelope: Envelope, *, db: Database | None = None) -> list[str]:
    database = db or get_database()
    request = NotificationRequested.model_validate(envelope.payload)
    try:
        channel = Channel(request.channel)
    except ValueError as exc:
        raise errors.ValidationFailed(f"unknown channel {request.channel!r}") from exc
    esc = request.escalation or {}
    if esc.get("escalationId"):
        state = escalation.status_of(database, escalation=str(esc["escalationId"]))
        if state is None:
            raise errors.PoisonMessage(f"escalation {esc['escalationId']} does not exist")
        if state.stopped:
            # Defence in depth: the execution was stopped, but this step's message was already queued.
            log.info("escalation stopped; step not sent", extra={"escalationId": esc["escalationId"],
                                                                 "level": esc.get("level")})
            return []
    with database.session() as s:
        to = recipients.resolve(s, channel=channel, targets=request.targets, recipient=request.recipient)
    if not to:
        log.warning("notification has no recipient on its channel",
                    extra={"eventId": envelope.id, "channel": channel.value})
        return []
    rendered = templates.render(request.template, channel, request.context)
    return deliver(database, notification=Notification(
        event_id=envelope.id, channel=channel, template=request.template, rendered=rendered,
        level=esc.get("level"), escalation_id=esc.get("escalationId"),
        subject_type=esc.get("subjectType") or request.context.get("subjectType"),
        subject_id=esc.get("subjectId") or request.context.get("subjectId"),
        link=request.context.get("link")), recipients=to)
