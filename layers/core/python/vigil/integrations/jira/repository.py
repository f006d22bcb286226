"""SQL for the Jira integration: configuration, mappings, comment provenance, the sync log."""

from __future__ import annotations

from typing import Any

from vigil import db as db_adapter
from vigil.db import Row, Session

CLAIM_SECONDS = 300  # as long as the queue's visibility timeout: a crashed worker's claim expires by redelivery

# -- configuration ------------------------------------------------------------------------

_CONFIG_COLS = (
    "base_url, deployment_type, email, api_token_enc, pat_enc, project_key, issue_type, "
    "priority_map, status_map, user_map, webhook_secret_enc, integration_account, updated_at, updated_by"
)


def get_config(s: Session, *, for_update: bool = False) -> Row | None:
    lock = " FOR UPDATE" if for_update else ""
    return s.fetch_one(f"SELECT {_CONFIG_COLS} FROM jira_config WHERE id = 1{lock}")


def upsert_config(s: Session, *, fields: dict[str, Any], actor: str | None) -> Row:
    cols = list(fields)
    values = [db_adapter.json(v) if isinstance(v, dict) else v for v in fields.values()]
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in cols)
    row = s.fetch_one(
        f"INSERT INTO jira_config (id, {', '.join(cols)}, updated_by) "
        f"VALUES (1, {', '.join(['%s'] * len(cols))}, %s) "
        f"ON CONFLICT (id) DO UPDATE SET {updates}, integration_account = NULL, "
        f"updated_by = EXCLUDED.updated_by, updated_at = now() RETURNING {_CONFIG_COLS}",
        (*values, actor),
    )
    assert row is not None
    return row


def set_integration_account(s: Session, account: str) -> None:
    s.execute("UPDATE jira_config SET integration_account = %s WHERE id = 1", (account,))


# -- mappings -----------------------------------------------------------------------------

_MAP_COLS = (
    "incident_id::text AS incident_id, label, jira_key, jira_id, jira_url, status, last_error, source, "
    "pushed_status, pushed_assignee, attempts, created_at, updated_at, last_synced_at"
)


def ensure_mapping(s: Session, *, incident_id: str, label: str, source: dict[str, Any]) -> None:
    """The guard row: inserted once per incident, before Jira is ever called."""
    s.execute(
        "INSERT INTO jira_mappings (incident_id, label, source) VALUES (%s, %s, %s) "
        "ON CONFLICT (incident_id) DO UPDATE SET source = jira_mappings.source || EXCLUDED.source "
        "WHERE jira_mappings.jira_key IS NULL",
        (incident_id, label, db_adapter.json(source)),
    )


def get_mapping(s: Session, incident_id: str) -> Row | None:
    return s.fetch_one(f"SELECT {_MAP_COLS} FROM jira_mappings WHERE incident_id::text = %s", (incident_id,))


def get_mapping_by_key(s: Session, jira_key: str) -> Row | None:
    return s.fetch_one(f"SELECT {_MAP_COLS} FROM jira_mappings WHERE jira_key = %s", (jira_key,))


def claim(s: Session, *, incident_id: str, token: str) -> Row | None:
    """Take the right to create the issue: only when none exists and nobody holds a live claim."""
    return s.fetch_one(
        f"UPDATE jira_mappings SET claim_token = %s, claimed_until = now() + make_interval(secs => %s), "
        f"attempts = attempts + 1, updated_at = now() "
        f"WHERE incident_id::text = %s AND jira_key IS NULL "
        f"AND (claimed_until IS NULL OR claimed_until < now()) RETURNING {_MAP_COLS}",
        (token, CLAIM_SECONDS, incident_id),
    )


def release(s: Session, *, incident_id: str, token: str, error: str | None) -> None:
    s.execute(
        "UPDATE jira_mappings SET claim_token = NULL, claimed_until = NULL, updated_at = now(), "
        "status = CASE WHEN %s::text IS NULL THEN status ELSE 'FAILED' END, last_error = %s "
        "WHERE incident_id::text = %s AND claim_token = %s",
        (error, error, incident_id, token),
    )


def record_created(s: Session, *, incident_id: str, jira_key: str, jira_id: str, jira_url: str,
                   pushed_status: str | None, pushed_assignee: str | None) -> None:
    s.execute(
        "UPDATE jira_mappings SET jira_key = %s, jira_id = %s, jira_url = %s, status = 'SYNCED', "
        "last_error = NULL, pushed_status = %s, pushed_assignee = %s, claim_token = NULL, "
        "claimed_until = NULL, last_synced_at = now(), updated_at = now() WHERE incident_id::text = %s",
        (jira_key, jira_id, jira_url, pushed_status, pushed_assignee, incident_id),
    )


def mark_synced(s: Session, *, incident_id: str, pushed: dict[str, str | None]) -> None:
    sets = "".join(f", {col} = %s" for col in pushed)
    s.execute(
        f"UPDATE jira_mappings SET status = 'SYNCED', last_error = NULL, last_synced_at = now(), "
        f"updated_at = now(){sets} WHERE incident_id::text = %s",
        (*pushed.values(), incident_id),
    )


def set_jira_state(s: Session, *, incident_id: str, fields: dict[str, str | None]) -> None:
    """Remember the issue's status / assignee as Jira reported them (webhooks)."""
    allowed = {"pushed_status", "pushed_assignee"}
    sets = ", ".join(f"{col} = %s" for col in fields if col in allowed)
    s.execute(f"UPDATE jira_mappings SET {sets}, updated_at = now() WHERE incident_id::text = %s",
              (*[v for c, v in fields.items() if c in allowed], incident_id))


def mark_failed(s: Session, *, incident_id: str, error: str) -> None:
    s.execute(
        "UPDATE jira_mappings SET status = 'FAILED', last_error = %s, updated_at = now() "
        "WHERE incident_id::text = %s",
        (error[:2000], incident_id),
    )


def pending_ids(s: Session, *, limit: int) -> list[str]:
    rows = s.fetch_all(
        "SELECT incident_id::text AS incident_id FROM jira_mappings WHERE status <> 'SYNCED' "
        "ORDER BY created_at LIMIT %s",
        (limit,),
    )
    return [r["incident_id"] for r in rows]


def search_mappings(s: Session, *, status: str | None, limit: int, offset: int) -> tuple[list[Row], int]:
    cond, params = ("status = %s", [status]) if status else ("true", [])
    total = int(s.scalar(f"SELECT count(*) FROM jira_mappings WHERE {cond}", params))
    rows = s.fetch_all(
        f"SELECT {_MAP_COLS} FROM jira_mappings WHERE {cond} ORDER BY created_at DESC, incident_id "
        f"LIMIT %s OFFSET %s",
        (*params, limit, offset),
    )
    return rows, total


# -- comments -----------------------------------------------------------------------------

def remember_comment(s: Session, *, jira_key: str, comment_id: str, incident_id: str, direction: str) -> bool:
    """True when the comment was not known yet."""
    return s.execute(
        "INSERT INTO jira_comments (jira_key, jira_comment_id, incident_id, direction) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (jira_key, comment_id, incident_id, direction),
    ) == 1


def forget_comment(s: Session, *, jira_key: str, comment_id: str) -> None:
    s.execute("DELETE FROM jira_comments WHERE jira_key = %s AND jira_comment_id = %s", (jira_key, comment_id))


def comment_known(s: Session, *, jira_key: str, comment_id: str) -> bool:
    return s.fetch_one(
        "SELECT 1 FROM jira_comments WHERE jira_key = %s AND jira_comment_id = %s", (jira_key, comment_id)
    ) is not None


# -- sync log -----------------------------------------------------------------------------

def insert_log(s: Session, entry: dict[str, Any]) -> None:
    cols = list(entry)
    values = [db_adapter.json(v) if c in ("request", "response") and v is not None else v
              for c, v in entry.items()]
    s.execute(
        f"INSERT INTO jira_sync_log ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})", values
    )


def search_log(s: Session, *, incident_id: str | None, jira_key: str | None, outcome: str | None,
               limit: int, offset: int) -> tuple[list[Row], int]:
    where, params = ["true"], []
    for column, value in (("incident_id::text", incident_id), ("jira_key", jira_key), ("outcome", outcome)):
        if value:
            where.append(f"{column} = %s")
            params.append(value)
    cond = " AND ".join(where)
    total = int(s.scalar(f"SELECT count(*) FROM jira_sync_log WHERE {cond}", params))
    rows = s.fetch_all(
        f"SELECT id, at, direction, operation, incident_id::text AS incident_id, jira_key, method, url, "
        f"request, response_status, response, attempt, duration_ms, outcome, error FROM jira_sync_log "
        f"WHERE {cond} ORDER BY id DESC LIMIT %s OFFSET %s",
        (*params, limit, offset),
    )
    return rows, total


def prune_log(s: Session, *, older_than_days: int) -> int:
    return s.execute("DELETE FROM jira_sync_log WHERE at < now() - make_interval(days => %s)", (older_than_days,))
