"""What the integrations app calls: configuration, the connection test, the queue consumer's
handlers, the webhook, manual re-sync, and the mapping and sync-log listings."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

from vigil import errors
from vigil.db import Database, DatabaseError
from vigil.events.catalog import Envelope, IncidentCreated, IncidentUpdated
from vigil.integrations.jira import config as config_mod
from vigil.integrations.jira import repository as repo
from vigil.integrations.jira import sync, webhook
from vigil.integrations.jira.client import CallRecord, JiraClient
from vigil.integrations.jira.config import JiraConfig
from vigil.integrations.jira.exceptions import JiraUnavailable
from vigil.integrations.jira.mapping import TicketSource
from vigil.integrations.jira.ports import IncidentsPort
from vigil.integrations.jira.retry import RetryPolicy
from vigil.integrations.jira.schemas import (
    ConnectionCheck,
    ConnectionReport,
    JiraConfigIn,
    JiraConfigOut,
    MappingOut,
    SyncFailure,
    SyncLogEntry,
    SyncResult,
    WebhookAck,
)
from vigil.logging import get_logger
from vigil.settings import get_settings

log = get_logger(__name__)

Sleep = Callable[[float], None]
RESYNC_LIMIT = 100
SYNC_LOG_RETENTION_DAYS = 90  # long enough to investigate a quarter's tickets, bounded growth


# -- building a flow ------------------------------------------------------------------------

def recorder(db: Database) -> Callable[[CallRecord], None]:
    """Write each Jira call to the sync log in its own transaction, so failures are logged too."""

    def record(call: CallRecord) -> None:
        entry = {
            "direction": "OUT", "operation": call.operation, "incident_id": call.incident_id,
            "jira_key": call.jira_key, "method": call.method, "url": call.url, "request": call.request,
            "response_status": call.response_status, "response": call.response, "attempt": call.attempt,
            "duration_ms": call.duration_ms, "outcome": call.outcome, "error": call.error,
        }
        try:
            with db.session() as s:
                repo.insert_log(s, entry)
        except (DatabaseError, errors.DependencyUnavailable) as exc:
            log.warning("sync log entry lost", extra={"operation": call.operation, "error": str(exc)})

    return record


def client_for(db: Database, cfg: JiraConfig, *, sleep: Sleep = time.sleep) -> JiraClient:
    s = get_settings()
    policy = RetryPolicy(max_attempts=s.jira_max_attempts, base_seconds=s.jira_backoff_base_seconds,
                         max_seconds=s.jira_backoff_max_seconds)
    return JiraClient(cfg, policy=policy, recorder=recorder(db), sleep=sleep)


def flow_for(db: Database, incidents: IncidentsPort, *, sleep: Sleep = time.sleep) -> sync.Flow:
    with db.session() as s:
        cfg = config_mod.load(s)
    client = client_for(db, cfg, sleep=sleep)
    if cfg.integration_account is None:
        cfg = _learn_integration_account(db, cfg, client)
        client = client_for(db, cfg, sleep=sleep)
    return sync.Flow(db=db, cfg=cfg, client=client, incidents=incidents,
                     public_base_url=get_settings().public_base_url)


def _learn_integration_account(db: Database, cfg: JiraConfig, client: JiraClient) -> JiraConfig:
    """Who our calls run as, asked once: webhooks for changes made by it are our own echoes."""
    account = client.account_id(client.myself())
    if not account:
        return cfg
    with db.session() as s:
        repo.set_integration_account(s, account)
    return dataclasses.replace(cfg, integration_account=account)


# -- configuration --------------------------------------------------------------------------

def get_config(db: Database) -> JiraConfigOut:
    with db.session() as s:
        row = repo.get_config(s)
    if row is None:
        raise errors.NotFound("Jira is not configured yet")
    return config_mod.masked(row)


def put_config(db: Database, body: JiraConfigIn, *, actor: str, audit: Any) -> JiraConfigOut:
    with db.session() as s:
        existing = repo.get_config(s, for_update=True)
        row = repo.upsert_config(s, fields=config_mod.to_fields(body, existing), actor=actor)
        out = config_mod.masked(row)
        audit(action="jira.config.update", entity_type="jira_config", entity_id="1",
              before=config_mod.masked(existing) if existing else None, after=out, session=s)
    return out


def check_connection(db: Database, *, sleep: Sleep = time.sleep) -> ConnectionReport:
    """Call Jira with the stored configuration and check every mapping against it."""
    with db.session() as s:
        cfg = config_mod.load(s)
    client = client_for(db, cfg, sleep=sleep)
    checks: list[ConnectionCheck] = []

    def check(name: str, fn: Callable[[], str]) -> bool:
        try:
            checks.append(ConnectionCheck(name=name, ok=True, message=fn()))
            return True
        except errors.VigilError as exc:
            checks.append(ConnectionCheck(name=name, ok=False, message=exc.message))
            return False

    server: dict[str, Any] = {}
    me: dict[str, Any] = {}
    check("server", lambda: _describe_server(server, client.server_info()))
    if check("credentials", lambda: _describe_me(me, client, client.myself())):
        account = client.account_id(me)
        if account:
            with db.session() as s:
                repo.set_integration_account(s, account)
    project: dict[str, Any] = {}
    if check("project", lambda: _describe_project(project, cfg, client.project(cfg.project_key))):
        check("issueType", lambda: _check_issue_type(cfg, project))
        check("statuses", lambda: _check_statuses(cfg, client.project_statuses(cfg.project_key)))
    check("priorities", lambda: _check_names("priority", cfg.priority_map.values(),
                                             [p.get("name") for p in client.priorities()]))
    return ConnectionReport(ok=all(c.ok for c in checks), server=server.get("version"),
                            account=client.account_id(me), checks=checks)


def _describe_server(into: dict[str, Any], info: dict[str, Any]) -> str:
    into.update(info)
    return f"{info.get('serverTitle') or 'Jira'} {info.get('version', '')} ({info.get('deploymentType', '?')})"


def _describe_me(into: dict[str, Any], client: JiraClient, me: dict[str, Any]) -> str:
    into.update(me)
    return f"signed in as {me.get('displayName') or client.account_id(me)}"


def _describe_project(into: dict[str, Any], cfg: JiraConfig, project: dict[str, Any]) -> str:
    into.update(project)
    return f"project {cfg.project_key}: {project.get('name', '')}"


def _check_issue_type(cfg: JiraConfig, project: dict[str, Any]) -> str:
    return _check_names("issue type", [cfg.issue_type], [t.get("name") for t in project.get("issueTypes") or []])


def _check_statuses(cfg: JiraConfig, by_type: list[dict[str, Any]]) -> str:
    known = [st.get("name") for t in by_type for st in t.get("statuses") or []]
    wanted = list(cfg.status_to_jira.values()) + list(cfg.status_from_jira)
    return _check_names("status", wanted, known)


def _check_names(kind: str, wanted: Any, known: list[Any]) -> str:
    have = {str(k).casefold() for k in known if k}
    missing = sorted({w for w in wanted if str(w).casefold() not in have})
    if missing:
        raise errors.ValidationFailed(f"unknown {kind}(s) in Jira: {missing}; known: {sorted(map(str, known))}")
    return f"{len(set(wanted))} {kind}(s) mapped, all known"


# -- incident → Jira (queue consumer) -------------------------------------------------------

def handle_event(db: Database, incidents: IncidentsPort, envelope: Envelope) -> None:
    with db.session() as s:
        configured = repo.get_config(s) is not None
    if not configured:
        # A deployment without Jira: acknowledge instead of filling the DLQ with retries.
        log.info("Jira is not configured; incident event not synced", extra={"eventType": envelope.type})
        return
    if envelope.type == "incident.created":
        created = IncidentCreated.model_validate(envelope.payload)
        source = incidents.snapshot(created.incident_id) or _source_from_event(created)
        sync.on_created(flow_for(db, incidents), source)
    elif envelope.type == "incident.updated":
        updated = IncidentUpdated.model_validate(envelope.payload)
        if updated.origin == "jira":
            log.info("change came from Jira; not echoed back", extra={"incidentId": updated.incident_id})
            return
        sync.on_updated(flow_for(db, incidents), incident_id=updated.incident_id, changes=updated.changes,
                        event_id=envelope.id, actor=updated.actor)


def _source_from_event(created: IncidentCreated) -> TicketSource:
    return TicketSource(incident_id=created.incident_id, title=created.title, severity=created.severity,
                        status=created.status, assignee=created.assignee, url=created.url,
                        alerts=tuple(created.alert_ids))


# -- Jira → incident (webhook) --------------------------------------------------------------

def receive_webhook(db: Database, incidents: IncidentsPort, *, body: bytes, signature: str | None,
                    client_ip: str) -> WebhookAck:
    with db.session() as s:
        row = repo.get_config(s)
    if row is None:
        raise config_mod.JiraNotConfigured("Jira is not configured; webhooks cannot be verified")
    cfg = config_mod.from_row(row)
    try:
        webhook.verify(cfg.webhook_secret, body, signature)
    except errors.Unauthenticated as exc:
        log.warning("Jira webhook rejected", extra={"reason": exc.message, "clientIp": client_ip})
        _log_inbound(db, operation="webhook", key=None, outcome="rejected", error=exc.message, request=None)
        raise
    data = webhook.parse(body)
    flow = sync.Flow(db=db, cfg=cfg, client=client_for(db, cfg), incidents=incidents,
                     public_base_url=get_settings().public_base_url)
    ack = webhook.handle(flow, data)
    key = (data.get("issue") or {}).get("key")
    summary = {"webhookEvent": data.get("webhookEvent"), "issue": key,
               "changelog": (data.get("changelog") or {}).get("items"),
               "comment": (data.get("comment") or {}).get("id")}
    _log_inbound(db, operation=str(data.get("webhookEvent") or "webhook"), key=key, outcome=ack.outcome,
                 error=None, request=summary, detail=ack.detail)
    return ack


def _log_inbound(db: Database, *, operation: str, key: str | None, outcome: str, error: str | None,
                 request: Any, detail: str = "") -> None:
    with db.session() as s:
        mapping_row = repo.get_mapping_by_key(s, key) if key else None
        repo.insert_log(s, {
            "direction": "IN", "operation": operation, "jira_key": key, "method": "POST",
            "incident_id": mapping_row["incident_id"] if mapping_row else None,
            "url": "/api/v1/integrations/jira/webhook", "request": request,
            "response": {"outcome": outcome, "detail": detail}, "outcome": outcome, "error": error,
        })


# -- manual re-sync and listings ------------------------------------------------------------

def resync(db: Database, incidents: IncidentsPort, *, incident_id: str | None,
           sleep: Sleep = time.sleep) -> SyncResult:
    """Push one incident (or every pending one) to Jira now; failures are reported, not raised."""
    flow = flow_for(db, incidents, sleep=sleep)
    if incident_id is None:
        with db.session() as s:
            ids = repo.pending_ids(s, limit=RESYNC_LIMIT)
    else:
        ids = [incident_id]
    synced: list[str] = []
    failed: list[SyncFailure] = []
    down: str | None = None
    for iid in ids:
        if down is not None:
            # Jira is down: the rest would each wait out the same retries; report, don't call.
            failed.append(SyncFailure(incident_id=iid, error=f"skipped: {down}"))
            continue
        try:
            _resync_one(flow, iid)
            synced.append(iid)
        except errors.VigilError as exc:
            if incident_id is not None and isinstance(exc, errors.NotFound):
                raise
            failed.append(SyncFailure(incident_id=iid, error=f"{exc.code}: {exc.message}"))
            if isinstance(exc, JiraUnavailable):
                down = exc.message
    return SyncResult(attempted=len(ids), synced=synced, failed=failed)


def _resync_one(flow: sync.Flow, incident_id: str) -> None:
    source = flow.incidents.snapshot(incident_id)
    if source is None:
        with flow.db.session() as s:
            row = repo.get_mapping(s, incident_id)
        if row is None:
            raise errors.NotFound(f"incident {incident_id} not found")
        source = TicketSource.from_dict(row["source"])
    row = sync.ensure_issue(flow, source)
    flow.incidents.set_external_ticket(incident_id, key=row["jira_key"], url=row["jira_url"])
    sync.push_state(flow, row, status=source.status, assignee=source.assignee)


def prune_sync_log(db: Database, *, older_than_days: int = SYNC_LOG_RETENTION_DAYS) -> int:
    with db.session() as s:
        return repo.prune_log(s, older_than_days=older_than_days)


def list_mappings(db: Database, *, status: str | None, page: int, size: int) -> tuple[list[MappingOut], int]:
    with db.session() as s:
        rows, total = repo.search_mappings(s, status=status, limit=size, offset=page * size)
    items = [MappingOut(incident_id=r["incident_id"], jira_key=r["jira_key"], jira_url=r["jira_url"],
                        last_synced_at=r["last_synced_at"], status=r["status"], last_error=r["last_error"])
             for r in rows]
    return items, total


def list_sync_log(db: Database, *, incident_id: str | None, jira_key: str | None, outcome: str | None,
                  page: int, size: int) -> tuple[list[SyncLogEntry], int]:
    with db.session() as s:
        rows, total = repo.search_log(s, incident_id=incident_id, jira_key=jira_key, outcome=outcome,
                                      limit=size, offset=page * size)
    return [SyncLogEntry(**r) for r in rows], total
