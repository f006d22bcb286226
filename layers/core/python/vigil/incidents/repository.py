"""SQL for incidents, their timeline, linked alerts, attachments and reports."""

from __future__ import annotations

from typing import Any

from vigil import db as db_adapter
from vigil.db import Row, Session

INCIDENT_COLS = """
i.id::text AS id, i.number, i.title, i.description, i.severity, i.status, i.loader_code,
i.assignee, i.source, i.group_key, i.resolution_note, i.closure_reason, i.external_system,
i.external_key, i.external_url, i.created_by, i.created_at, i.updated_at, i.acknowledged_at,
i.resolved_at, i.closed_at,
(SELECT count(*) FROM incident_alerts a WHERE a.incident_id = i.id) AS alert_count
"""

_UPDATABLE = {
    "status", "assignee", "resolution_note", "closure_reason", "acknowledged_at", "resolved_at",
    "closed_at", "external_system", "external_key", "external_url",
}


def insert(s: Session, *, title: str, description: str, severity: str, loader_code: str | None,
           assignee: str | None, source: str, group_key: str | None, created_by: str) -> Row:
    new_id = s.scalar(
        "INSERT INTO incidents (title, description, severity, loader_code, assignee, source, "
        "group_key, created_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id::text",
        (title, description, severity, loader_code, assignee, source, group_key, created_by),
    )
    row = get(s, new_id)
    assert row is not None
    return row


def get(s: Session, incident_id: str, *, lock: bool = False) -> Row | None:
    if lock:
        # Lock first (FOR UPDATE cannot sit next to the aggregate sub-select), then read.
        found = s.scalar("SELECT id FROM incidents WHERE id = %s::uuid FOR UPDATE", (incident_id,))
        if found is None:
            return None
    return s.fetch_one(f"SELECT {INCIDENT_COLS} FROM incidents i WHERE i.id = %s::uuid", (incident_id,))


def update(s: Session, incident_id: str, fields: dict[str, Any]) -> Row:
    names = [k for k in fields if k in _UPDATABLE]
    sets = "".join(f"{k} = %s, " for k in names)
    s.execute(
        f"UPDATE incidents SET {sets}updated_at = now() WHERE id = %s::uuid",
        (*[fields[k] for k in names], incident_id),
    )
    row = get(s, incident_id)
    assert row is not None
    return row


def append_note_text(s: Session, incident_id: str, text: str) -> None:
    s.execute(
        "UPDATE incidents SET notes_text = notes_text || %s, updated_at = now() WHERE id = %s::uuid",
        ("\n" + text, incident_id),
    )


def user_exists(s: Session, username: str) -> str | None:
    """The stored spelling of a username (case-insensitive match), or None."""
    return s.scalar("SELECT username FROM users WHERE lower(username) = lower(%s)", (username,))


# -- search ---------------------------------------------------------------------------------

def _where(filters: Any) -> tuple[str, list[Any]]:
    where: list[str] = ["true"]
    params: list[Any] = []
    if filters.q:
        where.append("i.search @@ websearch_to_tsquery('english', %s)")
        params.append(filters.q)
    if filters.status:
        where.append("i.status = ANY(%s)")
        params.append([s.value for s in filters.status])
    if filters.severity:
        where.append("i.severity = ANY(%s)")
        params.append([s.value for s in filters.severity])
    if filters.assignee:
        where.append("lower(i.assignee) = lower(%s)")
        params.append(filters.assignee)
    if filters.loader_code:
        where.append("i.loader_code = %s")
        params.append(filters.loader_code)
    if filters.from_:
        where.append("i.created_at >= %s")
        params.append(filters.from_)
    if filters.to:
        where.append("i.created_at < %s")
        params.append(filters.to)
    return " AND ".join(where), params


def search(s: Session, filters: Any, *, limit: int, offset: int) -> tuple[list[Row], int]:
    cond, params = _where(filters)
    total = int(s.scalar(f"SELECT count(*) FROM incidents i WHERE {cond}", params))
    order = "i.created_at DESC, i.number DESC"
    order_params: list[Any] = []
    if filters.q:
        # Best matches first; ties newest first.
        order = "ts_rank(i.search, websearch_to_tsquery('english', %s)) DESC, " + order
        order_params.append(filters.q)
    rows = s.fetch_all(
        f"SELECT {INCIDENT_COLS} FROM incidents i WHERE {cond} ORDER BY {order} LIMIT %s OFFSET %s",
        (*params, *order_params, limit, offset),
    )
    return rows, total


# -- timeline -------------------------------------------------------------------------------

def add_timeline(s: Session, incident_id: str, *, actor: str, kind: str, detail: dict[str, Any],
                 origin: str = "vigil") -> None:
    s.execute(
        "INSERT INTO incident_timeline (incident_id, actor, kind, origin, detail) "
        "VALUES (%s, %s, %s, %s, %s)",
        (incident_id, actor, kind, origin, db_adapter.json(detail)),
    )


def timeline(s: Session, incident_id: str, *, limit: int, offset: int) -> tuple[list[Row], int]:
    total = int(s.scalar("SELECT count(*) FROM incident_timeline WHERE incident_id = %s::uuid",
                         (incident_id,)))
    rows = s.fetch_all(
        "SELECT id, at, actor, kind, origin, detail FROM incident_timeline "
        "WHERE incident_id = %s::uuid ORDER BY at, id LIMIT %s OFFSET %s",
        (incident_id, limit, offset),
    )
    return rows, total


# -- linked alerts --------------------------------------------------------------------------

def link_alert(s: Session, incident_id: str, payload: dict[str, Any], triggered_at: Any) -> bool:
    """Link an alert (its event payload as a snapshot); False when it was linked already."""
    return s.execute(
        "INSERT INTO incident_alerts (incident_id, alert_id, rule_id, rule_name, loader_code, "
        "severity, chart_id, triggered_at, payload) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT DO NOTHING",
        (incident_id, payload["alertId"], payload.get("ruleId"), payload.get("ruleName"),
         payload.get("loaderCode"), payload.get("severity"), payload.get("chartId"), triggered_at,
         db_adapter.json(payload)),
    ) == 1


def alerts(s: Session, incident_id: str) -> list[Row]:
    return s.fetch_all(
        "SELECT alert_id, rule_id, rule_name, loader_code, severity, chart_id, triggered_at, "
        "resolved_at, payload, linked_at FROM incident_alerts WHERE incident_id = %s::uuid "
        "ORDER BY triggered_at, alert_id",
        (incident_id,),
    )


def incident_of_alert(s: Session, alert_id: str) -> str | None:
    return s.scalar("SELECT incident_id::text FROM incident_alerts WHERE alert_id = %s", (alert_id,))


def mark_alert_resolved(s: Session, alert_id: str, resolved_at: Any) -> bool:
    return s.execute(
        "UPDATE incident_alerts SET resolved_at = %s WHERE alert_id = %s AND resolved_at IS NULL",
        (resolved_at, alert_id),
    ) == 1


# -- attachments and reports -----------------------------------------------------------------

_ATTACHMENT_COLS = ("id::text AS id, incident_id::text AS incident_id, filename, content_type, "
                    "size_bytes, sha256, object_key, uploaded_by, uploaded_at")


def attachments(s: Session, incident_id: str) -> list[Row]:
    return s.fetch_all(
        f"SELECT {_ATTACHMENT_COLS} FROM incident_attachments WHERE incident_id = %s::uuid "
        "ORDER BY uploaded_at, filename",
        (incident_id,),
    )


def attachment(s: Session, incident_id: str, attachment_id: str, *, lock: bool = False) -> Row | None:
    return s.fetch_one(
        f"SELECT {_ATTACHMENT_COLS} FROM incident_attachments "
        f"WHERE incident_id = %s::uuid AND id = %s::uuid{' FOR UPDATE' if lock else ''}",
        (incident_id, attachment_id),
    )


def attachment_named(s: Session, incident_id: str, filename: str) -> Row | None:
    return s.fetch_one(
        f"SELECT {_ATTACHMENT_COLS} FROM incident_attachments WHERE incident_id = %s::uuid "
        "AND filename = %s",
        (incident_id, filename),
    )


def insert_attachment(s: Session, *, incident_id: str, filename: str, content_type: str,
                      size_bytes: int, sha256: str, object_key: str, uploaded_by: str) -> Row:
    row = s.fetch_one(
        "INSERT INTO incident_attachments (incident_id, filename, content_type, size_bytes, "
        f"sha256, object_key, uploaded_by) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING {_ATTACHMENT_COLS}",
        (incident_id, filename, content_type, size_bytes, sha256, object_key, uploaded_by),
    )
    assert row is not None
    return row


def delete_attachment(s: Session, attachment_id: str) -> None:
    s.execute("DELETE FROM incident_attachments WHERE id = %s::uuid", (attachment_id,))


_REPORT_COLS = ("id::text AS id, incident_id::text AS incident_id, object_key, size_bytes, "
                "chart_ids, range_from, range_to, created_by, created_at")


def reports(s: Session, incident_id: str) -> list[Row]:
    return s.fetch_all(
        f"SELECT {_REPORT_COLS} FROM incident_reports WHERE incident_id = %s::uuid "
        "ORDER BY created_at DESC",
        (incident_id,),
    )


def report(s: Session, report_id: str) -> Row | None:
    return s.fetch_one(f"SELECT {_REPORT_COLS} FROM incident_reports WHERE id = %s::uuid", (report_id,))


def insert_report(s: Session, *, report_id: str, incident_id: str, object_key: str, size_bytes: int,
                  chart_ids: list[str], range_from: Any, range_to: Any, created_by: str) -> Row:
    row = s.fetch_one(
        "INSERT INTO incident_reports (id, incident_id, object_key, size_bytes, chart_ids, "
        f"range_from, range_to, created_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING {_REPORT_COLS}",
        (report_id, incident_id, object_key, size_bytes, db_adapter.json(chart_ids), range_from,
         range_to, created_by),
    )
    assert row is not None
    return row
