"""Incident flows: create, read, search, lifecycle, assignment, notes, external tickets.

Every change writes its timeline entry, its audit row and its event (through the outbox) in
the same transaction. The public functions take keyword-only arguments, an `actor` (a
username, or a system name such as "grouping" or "jira") and an `origin` ("vigil" | "jira"),
so the Jira sync applies changes exactly as the API does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from vigil import errors
from vigil.db import Database, Row, Session
from vigil.governance import audit as audit_log
from vigil.incidents import lifecycle, outbox
from vigil.incidents import repository as repo
from vigil.incidents.models import Kind, Origin, Status
from vigil.incidents.schemas import (
    AttachmentOut,
    CreateIncident,
    ExternalTicket,
    IncidentDetail,
    IncidentFilters,
    IncidentOut,
    LinkedAlert,
    ReportOut,
    TimelineEntry,
)
from vigil.incidents.timeline import summarize
from vigil.settings import get_settings

AuditFn = Callable[..., None]


# -- mapping ----------------------------------------------------------------------------------

def incident_out(row: Row) -> IncidentOut:
    return IncidentOut(**_incident_fields(row))


def _incident_fields(row: Row) -> dict[str, Any]:
    ticket = None
    if row.get("external_key"):
        ticket = ExternalTicket(system=row["external_system"], key=row["external_key"],
                                url=row["external_url"])
    fields = {k: row[k] for k in (
        "id", "number", "title", "description", "severity", "status", "loader_code", "assignee",
        "source", "resolution_note", "closure_reason", "alert_count", "created_by", "created_at",
        "updated_at", "acknowledged_at", "resolved_at", "closed_at")}
    fields["external_ticket"] = ticket
    fields["allowed_transitions"] = list(lifecycle.allowed_from(Status(row["status"])))
    return fields


def alert_out(row: Row) -> LinkedAlert:
    payload = row.get("payload") or {}
    return LinkedAlert(
        alert_id=row["alert_id"], rule_id=row["rule_id"], rule_name=row["rule_name"],
        loader_code=row["loader_code"], severity=row["severity"], chart_id=row["chart_id"],
        triggered_at=row["triggered_at"], resolved_at=row["resolved_at"],
        current_value=payload.get("currentValue"), threshold=payload.get("threshold"),
        linked_at=row["linked_at"],
    )


def attachment_out(row: Row) -> AttachmentOut:
    return AttachmentOut(**{k: row[k] for k in AttachmentOut.model_fields})


def report_out(row: Row) -> ReportOut:
    return ReportOut(**{k: row[k] for k in ReportOut.model_fields})


def incident_url(incident_id: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/incidents/{incident_id}"


# -- helpers ----------------------------------------------------------------------------------

def check_id(incident_id: str, *, what: str = "incident") -> str:
    """Ids are UUIDs; anything else cannot name an incident."""
    try:
        return str(uuid.UUID(str(incident_id)))
    except ValueError:
        raise errors.NotFound(f"{what} {incident_id} not found") from None


def load(s: Session, incident_id: str, *, lock: bool = False) -> Row:
    row = repo.get(s, check_id(incident_id), lock=lock)
    if row is None:
        raise errors.NotFound(f"incident {incident_id} not found")
    return row


def record_audit(audit: AuditFn | None, s: Session, *, actor: str, action: str, entity_id: str,
                 before: Any = None, after: Any = None, entity_type: str = "incident") -> None:
    """Through the request's audit (HTTP) or directly with the actor (queue, Jira sync)."""
    if audit is not None:
        audit(action=action, entity_type=entity_type, entity_id=entity_id, before=before,
              after=after, session=s)
    else:
        audit_log.record(session=s, actor=actor, actor_role=None, action=action,
                         entity_type=entity_type, entity_id=entity_id, before=before, after=after)


def _resolve_assignee(s: Session, assignee: str | None) -> str | None:
    if assignee is None:
        return None
    stored = repo.user_exists(s, assignee)
    if stored is None:
        raise errors.ValidationFailed(
            f"no user named {assignee!r}",
            details=[{"field": "body.assignee", "message": "must be an existing username"}],
        )
    return str(stored)


def updated_payload(row: Row, changes: dict[str, Any], *, actor: str, origin: str) -> dict[str, Any]:
    return {"incidentId": row["id"], "changes": changes, "actor": actor, "origin": origin,
            "title": row["title"], "severity": row["severity"], "status": row["status"],
            "assignee": row["assignee"], "url": incident_url(row["id"])}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# -- create and read --------------------------------------------------------------------------

def create(db: Database, *, body: CreateIncident, actor: str, audit: AuditFn | None = None) -> IncidentOut:
    with db.session() as s:
        assignee = _resolve_assignee(s, body.assignee)
        row = repo.insert(s, title=body.title, description=body.description,
                          severity=body.severity.value, loader_code=body.loader_code,
                          assignee=assignee, source="manual", group_key=None, created_by=actor)
        repo.add_timeline(s, row["id"], actor=actor, kind=Kind.CREATED,
                          detail={"source": "manual", "title": row["title"],
                                  "severity": row["severity"], "assignee": assignee})
        out = incident_out(row)
        event = outbox.add(s, "incident.created", {
            "incidentId": out.id, "title": out.title, "severity": out.severity.value,
            "status": out.status.value, "loaderCode": out.loader_code, "assignee": out.assignee,
            "alertIds": [], "url": incident_url(out.id)})
        record_audit(audit, s, actor=actor, action="incident.create", entity_id=out.id, after=out)
    outbox.flush(db, [event])
    return out


def get(db: Database, *, incident_id: str) -> IncidentOut:
    with db.session() as s:
        return incident_out(load(s, incident_id))


def get_detail(db: Database, *, incident_id: str) -> IncidentDetail:
    with db.session() as s:
        row = load(s, incident_id)
        return IncidentDetail(
            **_incident_fields(row),
            alerts=[alert_out(a) for a in repo.alerts(s, row["id"])],
            attachments=[attachment_out(a) for a in repo.attachments(s, row["id"])],
            reports=[report_out(r) for r in repo.reports(s, row["id"])],
        )


def search(db: Database, *, filters: IncidentFilters, page: int, size: int) -> tuple[list[IncidentOut], int]:
    with db.session() as s:
        rows, total = repo.search(s, filters, limit=size, offset=page * size)
    return [incident_out(r) for r in rows], total


def timeline(db: Database, *, incident_id: str, page: int, size: int) -> tuple[list[TimelineEntry], int]:
    with db.session() as s:
        row = load(s, incident_id)
        rows, total = repo.timeline(s, row["id"], limit=size, offset=page * size)
    return [TimelineEntry(id=r["id"], at=r["at"], actor=r["actor"], kind=r["kind"], origin=r["origin"],
                          summary=summarize(r["kind"], r["detail"]), detail=r["detail"])
            for r in rows], total


# -- changes ------------------------------------------------------------------------------------

def change_status(db: Database, *, incident_id: str, status: Status, note: str | None = None,
                  reason: str | None = None, actor: str, origin: str = Origin.VIGIL,
                  audit: AuditFn | None = None) -> IncidentOut:
    """Move along the lifecycle. Moving to INVESTIGATING acknowledges the incident."""
    with db.session() as s:
        before = load(s, incident_id, lock=True)
        current = Status(before["status"])
        lifecycle.check_transition(current=current, target=status, note=note, reason=reason)
        now = datetime.now(UTC)
        fields: dict[str, Any] = {"status": status.value}
        changes: dict[str, Any] = {"status": {"from": current.value, "to": status.value}}
        if status is Status.INVESTIGATING and before["acknowledged_at"] is None:
            fields["acknowledged_at"] = now
            changes["acknowledgedAt"] = {"from": None, "to": now.isoformat()}
        if status is Status.INVESTIGATING and current is Status.RESOLVED:  # reopen
            fields["resolved_at"] = None
        if status is Status.RESOLVED:
            fields.update(resolved_at=now, resolution_note=note)
            changes["resolutionNote"] = {"from": before["resolution_note"], "to": note}
        if status is Status.CLOSED:
            fields.update(closed_at=now, closure_reason=reason)
            changes["closureReason"] = {"from": before["closure_reason"], "to": reason}
        row = repo.update(s, before["id"], fields)
        for text in (note, reason):
            if text:
                repo.append_note_text(s, row["id"], text)
        if note:
            changes["note"] = note
        detail = {"from": current.value, "to": status.value, "note": note, "reason": reason}
        repo.add_timeline(s, row["id"], actor=actor, kind=Kind.STATUS, origin=origin,
                          detail={k: v for k, v in detail.items() if v is not None})
        out = incident_out(row)
        event = outbox.add(s, "incident.updated", updated_payload(row, changes, actor=actor, origin=origin))
        record_audit(audit, s, actor=actor, action="incident.status", entity_id=out.id,
                     before=incident_out(before), after=out)
    outbox.flush(db, [event])
    return out


def assign(db: Database, *, incident_id: str, assignee: str | None, actor: str,
           origin: str = Origin.VIGIL, audit: AuditFn | None = None) -> IncidentOut:
    with db.session() as s:
        before = load(s, incident_id, lock=True)
        stored = _resolve_assignee(s, assignee)
        if stored == before["assignee"]:
            return incident_out(before)  # nothing changed: no timeline entry, no event
        row = repo.update(s, before["id"], {"assignee": stored})
        repo.add_timeline(s, row["id"], actor=actor, kind=Kind.ASSIGNEE, origin=origin,
                          detail={"from": before["assignee"], "to": stored})
        out = incident_out(row)
        changes = {"assignee": {"from": before["assignee"], "to": stored}}
        event = outbox.add(s, "incident.updated", updated_payload(row, changes, actor=actor, origin=origin))
        record_audit(audit, s, actor=actor, action="incident.assign", entity_id=out.id,
                     before={"assignee": before["assignee"]}, after={"assignee": stored})
    outbox.flush(db, [event])
    return out


def add_note(db: Database, *, incident_id: str, text: str, actor: str, origin: str = Origin.VIGIL,
             audit: AuditFn | None = None) -> TimelineEntry:
    text = text.strip()
    if not text:
        raise errors.ValidationFailed("a note needs text",
                                      details=[{"field": "body.text", "message": "must not be blank"}])
    with db.session() as s:
        row = load(s, incident_id, lock=True)
        repo.append_note_text(s, row["id"], text)
        repo.add_timeline(s, row["id"], actor=actor, kind=Kind.NOTE, origin=origin, detail={"text": text})
        last = s.fetch_one("SELECT id, at, actor, kind, origin, detail FROM incident_timeline "
                           "WHERE incident_id = %s::uuid ORDER BY id DESC LIMIT 1", (row["id"],))
        assert last is not None
        event = outbox.add(s, "incident.updated",
                           updated_payload(row, {"note": text}, actor=actor, origin=origin))
        record_audit(audit, s, actor=actor, action="incident.note", entity_id=row["id"],
                     after={"text": text})
    outbox.flush(db, [event])
    return TimelineEntry(id=last["id"], at=last["at"], actor=last["actor"], kind=last["kind"],
                         origin=last["origin"], summary=summarize(last["kind"], last["detail"]),
                         detail=last["detail"])


def set_external_ticket(db: Database, *, incident_id: str, system: str, key: str, url: str | None,
                        actor: str | None = None) -> IncidentOut:
    """Record the incident's ticket in an external system (called by the Jira sync).

    Idempotent: setting the same ticket again changes nothing and publishes nothing.
    """
    actor = actor or system
    with db.session() as s:
        before = load(s, incident_id, lock=True)
        if (before["external_system"], before["external_key"], before["external_url"]) == (system, key, url):
            return incident_out(before)
        row = repo.update(s, before["id"], {"external_system": system, "external_key": key,
                                            "external_url": url})
        repo.add_timeline(s, row["id"], actor=actor, kind=Kind.EXTERNAL_TICKET, origin=system,
                          detail={"system": system, "key": key, "url": url})
        record_audit(None, s, actor=actor, action="incident.external_ticket", entity_id=row["id"],
                     before={"system": before["external_system"], "key": before["external_key"]},
                     after={"system": system, "key": key, "url": url})
        return incident_out(row)
