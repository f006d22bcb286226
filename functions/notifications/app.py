"""Notifications app: contact groups, escalation policies, the delivery log, manual sends,
provider callbacks; consumers that start and stop escalation ladders and send each step."""

from chalice import Chalice, Rate

from vigil.api import PUBLIC, Api, ApiRequest, Page, Role
from vigil.db import get_database
from vigil.events.consumer import consume
from vigil.notifications import flows, service, status
from vigil.notifications.schemas import (
    CallbackResult,
    ContactGroupIn,
    ContactGroupOut,
    EscalationOut,
    EscalationQuery,
    ListQuery,
    LogEntry,
    LogQuery,
    PolicyIn,
    PolicyOut,
    SendAccepted,
    SendRequestIn,
)

app = Chalice(app_name="vigil-notifications")
api = Api(app)

GROUPS = "/api/v1/notifications/contact-groups"
POLICIES = "/api/v1/notifications/escalation-policies"


# -- contact groups -------------------------------------------------------------------------

@api.get(GROUPS, role=Role.VIEWER, query=ListQuery, response=Page[ContactGroupOut], summary="List contact groups")
def list_groups(req: ApiRequest) -> Page[ContactGroupOut]:
    q = req.query
    items, total = service.list_groups(get_database(), q=q.q, page=q.page, size=q.size)
    return Page[ContactGroupOut](items=items, total=total, page=q.page, size=q.size)


@api.post(GROUPS, role=Role.OPERATOR, body=ContactGroupIn, response=ContactGroupOut, status=201,
          summary="Create a contact group (members with e-mail, phone, user, per-channel preferences)")
def create_group(req: ApiRequest) -> ContactGroupOut:
    return service.create_group(get_database(), body=req.body, actor=req.user.username, audit=req.audit)


@api.get(GROUPS + "/{group_id}", role=Role.VIEWER, response=ContactGroupOut, summary="One contact group")
def get_group(req: ApiRequest, group_id: str) -> ContactGroupOut:
    return service.get_group(get_database(), group_id=group_id)


@api.put(GROUPS + "/{group_id}", role=Role.OPERATOR, body=ContactGroupIn, response=ContactGroupOut,
         summary="Replace a contact group")
def update_group(req: ApiRequest, group_id: str) -> ContactGroupOut:
    return service.update_group(get_database(), group_id=group_id, body=req.body, audit=req.audit)


@api.delete(GROUPS + "/{group_id}", role=Role.OPERATOR, status=204,
            summary="Delete a contact group (409 while a policy targets it)")
def delete_group(req: ApiRequest, group_id: str) -> None:
    service.delete_group(get_database(), group_id=group_id, audit=req.audit)


# -- escalation policies --------------------------------------------------------------------

@api.get(POLICIES, role=Role.VIEWER, query=ListQuery, response=Page[PolicyOut], summary="List escalation policies")
def list_policies(req: ApiRequest) -> Page[PolicyOut]:
    q = req.query
    items, total = service.list_policies(get_database(), q=q.q, page=q.page, size=q.size)
    return Page[PolicyOut](items=items, total=total, page=q.page, size=q.size)


@api.post(POLICIES, role=Role.OPERATOR, body=PolicyIn, response=PolicyOut, status=201,
          summary="Create an escalation policy (ordered levels, repeat, routing match)")
def create_policy(req: ApiRequest) -> PolicyOut:
    return service.create_policy(get_database(), body=req.body, actor=req.user.username, audit=req.audit)


@api.get(POLICIES + "/{policy_id}", role=Role.VIEWER, response=PolicyOut, summary="One escalation policy")
def get_policy(req: ApiRequest, policy_id: str) -> PolicyOut:
    return service.get_policy(get_database(), policy_id=policy_id)


@api.put(POLICIES + "/{policy_id}", role=Role.OPERATOR, body=PolicyIn, response=PolicyOut,
         summary="Replace an escalation policy")
def update_policy(req: ApiRequest, policy_id: str) -> PolicyOut:
    return service.update_policy(get_database(), policy_id=policy_id, body=req.body, audit=req.audit)


@api.delete(POLICIES + "/{policy_id}", role=Role.OPERATOR, status=204, summary="Delete an escalation policy")
def delete_policy(req: ApiRequest, policy_id: str) -> None:
    service.delete_policy(get_database(), policy_id=policy_id, audit=req.audit)


# -- log, escalations, manual send, callbacks -----------------------------------------------

@api.get("/api/v1/notifications/log", role=Role.VIEWER, query=LogQuery, response=Page[LogEntry],
         summary="Every delivery attempt, newest first (filter by channel, status, recipient, subject, time)")
def delivery_log(req: ApiRequest) -> Page[LogEntry]:
    q = req.query
    items, total = service.search_log(get_database(), query=q)
    return Page[LogEntry](items=items, total=total, page=q.page, size=q.size)


@api.get("/api/v1/notifications/escalations", role=Role.VIEWER, query=EscalationQuery,
         response=Page[EscalationOut], summary="Escalation ladders, newest first")
def escalations(req: ApiRequest) -> Page[EscalationOut]:
    q = req.query
    items, total = service.list_escalations(get_database(), query=q)
    return Page[EscalationOut](items=items, total=total, page=q.page, size=q.size)


@api.post("/api/v1/notifications/send", role=Role.OPERATOR, body=SendRequestIn, response=SendAccepted,
          status=202, summary="Send a manual notification (queued; follow it in the log by eventId)")
def send(req: ApiRequest) -> SendAccepted:
    request_id = service.request_send(get_database(), body=req.body, actor=req.user.username)
    req.audit(action="notification.send", entity_type="notification", entity_id=request_id,
              after=req.body)
    return SendAccepted(request_id=request_id)


@api.post("/api/v1/notifications/callbacks/{provider}", role=PUBLIC, response=CallbackResult,
          rate_limited=False,
          summary="Delivery status from a provider (signature verified; 401 otherwise)")
def callback(req: ApiRequest, provider: str) -> CallbackResult:
    updated = status.apply_callback(get_database(), provider=provider, headers=req.headers, body=req.raw_body,
                                    audit=req.audit)
    return CallbackResult(updated=updated)


# -- queue consumers and the status poll ----------------------------------------------------

@app.on_sqs_message(queue="notifications-alerts", batch_size=1)
def on_alert_event(event):  # noqa: ANN001, ANN201
    consume(event, consumer="notifications-alerts", handlers={"alert.triggered": flows.on_alert_triggered})


@app.on_sqs_message(queue="notifications-acks", batch_size=1)
def on_ack_event(event):  # noqa: ANN001, ANN201
    consume(event, consumer="notifications-acks", handlers={
        "alert.acknowledged": flows.on_alert_acknowledged, "alert.resolved": flows.on_alert_resolved})


@app.on_sqs_message(queue="notifications-incidents", batch_size=1)
def on_incident_event(event):  # noqa: ANN001, ANN201
    consume(event, consumer="notifications-incidents", handlers={
        "incident.created": flows.on_incident_created, "incident.updated": flows.on_incident_updated})


@app.on_sqs_message(queue="notifications-requested", batch_size=1)
def on_notification_requested(event):  # noqa: ANN001, ANN201
    consume(event, consumer="notifications-requested",
            handlers={"notification.requested": flows.on_notification_requested})


@app.schedule(Rate(1, unit=Rate.MINUTES))
def poll_delivery_status(event):  # noqa: ANN001, ANN201
    status.poll(get_database())
