"""Integrations app: Jira configuration and connection test, the signed Jira webhook, manual
re-sync, mappings and sync log, and the incident → Jira queue consumer."""

from chalice import Chalice, Rate

from vigil.api import PUBLIC, Api, ApiRequest, Page, Role
from vigil.db import get_database
from vigil.events.consumer import consume
from vigil.integrations.jira import service
from vigil.integrations.jira.incidents import ServiceIncidents
from vigil.integrations.jira.schemas import (
    ConnectionReport,
    JiraConfigIn,
    JiraConfigOut,
    MappingOut,
    MappingQuery,
    SyncLogEntry,
    SyncLogQuery,
    SyncRequest,
    SyncResult,
    WebhookAck,
)

app = Chalice(app_name="vigil-integrations")
api = Api(app)

BASE = "/api/v1/integrations/jira"


@api.get(f"{BASE}/config", role=Role.ADMIN, response=JiraConfigOut,
         summary="The Jira configuration, secrets masked")
def get_config(req: ApiRequest) -> JiraConfigOut:
    return service.get_config(get_database())


@api.put(f"{BASE}/config", role=Role.ADMIN, body=JiraConfigIn, response=JiraConfigOut,
         summary="Set the Jira configuration (secrets omitted or '***' keep their stored value)")
def put_config(req: ApiRequest) -> JiraConfigOut:
    return service.put_config(get_database(), req.body, actor=req.user.username, audit=req.audit)


@api.post(f"{BASE}/test", role=Role.ADMIN, response=ConnectionReport,
          summary="Check the connection, credentials, project, issue type, statuses and priorities")
def test_config(req: ApiRequest) -> ConnectionReport:
    report = service.check_connection(get_database())
    req.audit(action="jira.config.test", entity_type="jira_config", entity_id="1",
              after={"ok": report.ok, "account": report.account})
    return report


@api.post(f"{BASE}/webhook", role=PUBLIC, response=WebhookAck, rate_limited=False,
          summary="Jira webhook (issue updated, comment created), signed with X-Hub-Signature")
def jira_webhook(req: ApiRequest) -> WebhookAck:
    db = get_database()
    ack = service.receive_webhook(db, ServiceIncidents(db), body=req.raw_body,
                                  signature=req.headers.get("x-hub-signature"), client_ip=req.client_ip)
    req.audit(action="jira.webhook", entity_type="jira_webhook", entity_id=None,
              after={"outcome": ack.outcome, "detail": ack.detail})
    return ack


@api.post(f"{BASE}/sync", role=Role.OPERATOR, body=SyncRequest, response=SyncResult,
          summary="Re-sync one incident with Jira now, or every pending one")
def resync(req: ApiRequest) -> SyncResult:
    db = get_database()
    result = service.resync(db, ServiceIncidents(db), incident_id=req.body.incident_id)
    req.audit(action="jira.resync", entity_type="jira_mapping", entity_id=req.body.incident_id, after=result)
    return result


@api.get(f"{BASE}/mappings", role=Role.VIEWER, query=MappingQuery, response=Page[MappingOut],
         summary="Incidents and their Jira issues")
def mappings(req: ApiRequest) -> Page[MappingOut]:
    q = req.query
    items, total = service.list_mappings(get_database(), status=q.status, page=q.page, size=q.size)
    return Page[MappingOut](items=items, total=total, page=q.page, size=q.size)


@api.get(f"{BASE}/sync-log", role=Role.OPERATOR, query=SyncLogQuery, response=Page[SyncLogEntry],
         summary="Every call to Jira and every webhook, newest first, secrets redacted")
def sync_log(req: ApiRequest) -> Page[SyncLogEntry]:
    q = req.query
    items, total = service.list_sync_log(get_database(), incident_id=q.incident_id, jira_key=q.jira_key,
                                         outcome=q.outcome, page=q.page, size=q.size)
    return Page[SyncLogEntry](items=items, total=total, page=q.page, size=q.size)


@app.on_sqs_message(queue="integrations-jira", batch_size=1)
def on_incident_event(event):  # noqa: ANN001, ANN201 - Chalice's handler signature
    db = get_database()
    incidents = ServiceIncidents(db)
    consume(event, consumer="integrations-jira",
            handlers={"incident.created": lambda e: service.handle_event(db, incidents, e),
                      "incident.updated": lambda e: service.handle_event(db, incidents, e)})


@app.schedule(Rate(1, unit=Rate.DAYS))
def prune_sync_log(event):  # noqa: ANN001, ANN201 - Chalice's handler signature
    service.prune_sync_log(get_database())
