"""SQL for source databases, segments, loaders and loader executions.

Secrets stay ciphertext here: `password_enc` and `loader_sql_enc` are encrypted and decrypted
by the services, registered below so `vigil reencrypt` rotates them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vigil import crypto
from vigil import db as db_adapter
from vigil.db import Row, Session
from vigil.querying import Where, page

SOURCE_PASSWORD = crypto.register("source_databases", "id", "password_enc")
LOADER_SQL = crypto.register("loaders", "id", "loader_sql_enc")

# -- source databases ----------------------------------------------------------------------

_SOURCE_COLS = ("id::text AS id, name, type, host, port, db_name, user_name, password_enc, options, "
                "read_only_compliant, compliance_findings, compliance_checked_at, compliance_override, "
                "created_at, updated_at")
_SOURCE_FIELDS = {"name", "type", "host", "port", "db_name", "user_name", "password_enc", "options",
                  "read_only_compliant", "compliance_findings", "compliance_checked_at",
                  "compliance_override"}
_JSON_FIELDS = {"options", "compliance_findings", "compliance_override"}


def _values(fields: dict[str, Any]) -> list[Any]:
    return [db_adapter.json(v) if k in _JSON_FIELDS and v is not None else v for k, v in fields.items()]


def get_source(s: Session, source_id: str, *, lock: bool = False) -> Row | None:
    return s.fetch_one(f"SELECT {_SOURCE_COLS} FROM source_databases WHERE id::text = %s"
                       + (" FOR UPDATE" if lock else ""), (source_id,))


def insert_source(s: Session, fields: dict[str, Any]) -> Row:
    cols = [k for k in fields if k in _SOURCE_FIELDS]
    row = s.fetch_one(
        f"INSERT INTO source_databases ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))}) "
        f"RETURNING {_SOURCE_COLS}", _values({k: fields[k] for k in cols}),
    )
    assert row is not None
    return row


def update_source(s: Session, source_id: str, fields: dict[str, Any]) -> Row | None:
    cols = [k for k in fields if k in _SOURCE_FIELDS]
    if not cols:
        return get_source(s, source_id)
    sets = ", ".join(f"{k} = %s" for k in cols)
    return s.fetch_one(
        f"UPDATE source_databases SET {sets}, updated_at = now() WHERE id::text = %s RETURNING {_SOURCE_COLS}",
        (*_values({k: fields[k] for k in cols}), source_id),
    )


def delete_source(s: Session, source_id: str) -> int:
    return s.execute("DELETE FROM source_databases WHERE id::text = %s", (source_id,))


def search_sources(s: Session, *, q: str | None, type_: str | None, limit: int, offset: int) -> tuple[list[Row], int]:
    where = Where().contains(["name", "host", "db_name"], q).equals("type", type_)
    return page(s, select=_SOURCE_COLS, source="source_databases", where=where, order_by="lower(name)",
                limit=limit, offset=offset)


def loaders_using_source(s: Session, source_id: str) -> list[str]:
    rows = s.fetch_all("SELECT loader_code FROM loaders WHERE source_database_id::text = %s ORDER BY 1",
                       (source_id,))
    return [r["loader_code"] for r in rows]


# -- segments ------------------------------------------------------------------------------

_SEGMENT_COLS = "id::text AS id, segment_code, description, created_at, updated_at"


def get_segment(s: Session, code: str) -> Row | None:
    return s.fetch_one(f"SELECT {_SEGMENT_COLS} FROM segments_dictionary WHERE segment_code = %s", (code,))


def insert_segment(s: Session, *, code: str, description: str) -> Row:
    row = s.fetch_one(f"INSERT INTO segments_dictionary (segment_code, description) VALUES (%s, %s) "
                      f"RETURNING {_SEGMENT_COLS}", (code, description))
    assert row is not None
    return row


def update_segment(s: Session, code: str, *, description: str) -> Row | None:
    return s.fetch_one(f"UPDATE segments_dictionary SET description = %s, updated_at = now() "
                       f"WHERE segment_code = %s RETURNING {_SEGMENT_COLS}", (description, code))


def delete_segment(s: Session, code: str) -> int:
    return s.execute("DELETE FROM segments_dictionary WHERE segment_code = %s", (code,))


def search_segments(s: Session, *, q: str | None, limit: int, offset: int) -> tuple[list[Row], int]:
    return page(s, select=_SEGMENT_COLS, source="segments_dictionary",
                where=Where().contains(["segment_code", "description"], q), order_by="segment_code",
                limit=limit, offset=offset)


def existing_segments(s: Session, codes: list[str]) -> set[str]:
    if not codes:
        return set()
    rows = s.fetch_all("SELECT segment_code FROM segments_dictionary WHERE segment_code = ANY(%s)", (codes,))
    return {r["segment_code"] for r in rows}


def loaders_using_segment(s: Session, code: str) -> list[str]:
    rows = s.fetch_all("SELECT loader_code FROM loaders WHERE %s = ANY(segments) ORDER BY 1", (code,))
    return [r["loader_code"] for r in rows]


# -- loaders -------------------------------------------------------------------------------

_LOADER_COLS = """l.id::text AS id, l.loader_code, l.source_database_id::text AS source_database_id,
    src.name AS source_database_name, l.loader_sql_enc, l.interval_seconds, l.max_parallelism,
    l.segments, l.timeout_seconds, l.enabled, l.last_scheduled_at, l.created_at, l.updated_at,
    last.id::text AS last_id, last.status AS last_status, last.started_at AS last_started_at,
    last.duration_ms AS last_duration_ms, last.rows AS last_rows, last.error AS last_error"""
_LOADER_FROM = """loaders l JOIN source_databases src ON src.id = l.source_database_id
    LEFT JOIN LATERAL (SELECT e.* FROM loader_executions e WHERE e.loader_id = l.id
                       ORDER BY e.started_at DESC LIMIT 1) last ON true"""
_LOADER_FIELDS = {"loader_code", "source_database_id", "loader_sql_enc", "interval_seconds",
                  "max_parallelism", "segments", "timeout_seconds", "enabled", "last_scheduled_at"}


def get_loader(s: Session, code: str) -> Row | None:
    return s.fetch_one(f"SELECT {_LOADER_COLS} FROM {_LOADER_FROM} WHERE l.loader_code = %s", (code,))


def lock_loader(s: Session, code: str) -> Row | None:
    return s.fetch_one("SELECT id::text AS id FROM loaders WHERE loader_code = %s FOR UPDATE", (code,))


def insert_loader(s: Session, fields: dict[str, Any]) -> None:
    cols = [k for k in fields if k in _LOADER_FIELDS]
    s.execute(f"INSERT INTO loaders ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})",
              [fields[k] for k in cols])


def update_loader(s: Session, code: str, fields: dict[str, Any]) -> None:
    cols = [k for k in fields if k in _LOADER_FIELDS]
    if cols:
        s.execute(f"UPDATE loaders SET {', '.join(f'{k} = %s' for k in cols)}, updated_at = now() "
                  f"WHERE loader_code = %s", (*[fields[k] for k in cols], code))


def delete_loader(s: Session, code: str) -> int:
    return s.execute("DELETE FROM loaders WHERE loader_code = %s", (code,))


def search_loaders(s: Session, *, q: str | None, enabled: bool | None, source_id: str | None,
                   limit: int, offset: int) -> tuple[list[Row], int]:
    where: list[str] = ["true"]
    params: list[Any] = []
    if q:
        where.append("l.loader_code ILIKE %s")
        params.append(f"%{q}%")
    if enabled is not None:
        where.append("l.enabled = %s")
        params.append(enabled)
    if source_id:
        where.append("l.source_database_id::text = %s")
        params.append(source_id)
    cond = " AND ".join(where)
    total = int(s.scalar(f"SELECT count(*) FROM loaders l WHERE {cond}", params))
    rows = s.fetch_all(f"SELECT {_LOADER_COLS} FROM {_LOADER_FROM} WHERE {cond} ORDER BY l.loader_code "
                       f"LIMIT %s OFFSET %s", (*params, limit, offset))
    return rows, total


def claim_due(s: Session, *, now: datetime, slack_seconds: int) -> list[Row]:
    """Enabled loaders whose interval has elapsed, locked so two schedulers never both claim
    one. `slack_seconds` absorbs the jitter of a once-a-minute tick."""
    return s.fetch_all(
        "SELECT id::text AS id, loader_code, max_parallelism, timeout_seconds FROM loaders "
        "WHERE enabled AND (last_scheduled_at IS NULL OR "
        "  last_scheduled_at + make_interval(secs => interval_seconds - %s) <= %s) "
        "ORDER BY loader_code FOR UPDATE SKIP LOCKED",
        (slack_seconds, now),
    )


def mark_scheduled(s: Session, loader_ids: list[str], now: datetime) -> None:
    if loader_ids:
        s.execute("UPDATE loaders SET last_scheduled_at = %s WHERE id::text = ANY(%s)", (now, loader_ids))


# -- executions ----------------------------------------------------------------------------

_EXEC_COLS = ("id::text AS id, loader_code, status, trigger, attempts, started_at, finished_at, "
              "duration_ms, rows, rows_skipped, error")


def open_execution(s: Session, *, execution_id: str, loader_id: str, loader_code: str, trigger: str) -> Row:
    """The execution row, created RUNNING on first delivery; locked for this attempt."""
    s.execute("INSERT INTO loader_executions (id, loader_id, loader_code, status, trigger) "
              "VALUES (%s, %s, %s, 'RUNNING', %s) ON CONFLICT (id) DO NOTHING",
              (execution_id, loader_id, loader_code, trigger))
    row = s.fetch_one(f"SELECT {_EXEC_COLS} FROM loader_executions WHERE id = %s FOR UPDATE", (execution_id,))
    assert row is not None
    return row


def start_attempt(s: Session, execution_id: str) -> int:
    return int(s.scalar("UPDATE loader_executions SET attempts = attempts + 1, started_at = now() "
                        "WHERE id = %s RETURNING attempts", (execution_id,)))


def finish_execution(s: Session, execution_id: str, *, status: str, rows: int | None,
                     rows_skipped: int | None, error: str | None) -> None:
    s.execute(
        "UPDATE loader_executions SET status = %s, rows = %s, rows_skipped = %s, error = %s, "
        "finished_at = now(), duration_ms = (extract(epoch FROM now() - started_at) * 1000)::int "
        "WHERE id = %s",
        (status, rows, rows_skipped, error, execution_id),
    )


def note_attempt_error(s: Session, execution_id: str, error: str) -> None:
    s.execute("UPDATE loader_executions SET error = %s WHERE id = %s", (error, execution_id))


def fail_stale(s: Session, *, older_than_seconds: int, message: str) -> int:
    """Close runs whose worker vanished (message lost, crash after the last receive)."""
    return s.execute(
        "UPDATE loader_executions SET status = 'FAILED', finished_at = now(), "
        "error = coalesce(error || '; ', '') || %s "
        "WHERE status = 'RUNNING' AND started_at < now() - make_interval(secs => %s)",
        (message, older_than_seconds),
    )


def prune_executions(s: Session, *, older_than_days: int, limit: int = 10000) -> int:
    """Delete run history past its retention, a bounded batch per call."""
    return s.execute(
        "DELETE FROM loader_executions WHERE id IN (SELECT id FROM loader_executions "
        "WHERE started_at < now() - make_interval(days => %s) LIMIT %s)",
        (older_than_days, limit),
    )


def get_execution(s: Session, execution_id: str, *, loader_id: str) -> Row | None:
    return s.fetch_one(f"SELECT {_EXEC_COLS} FROM loader_executions WHERE id::text = %s AND loader_id::text = %s",
                       (execution_id, loader_id))


def list_executions(s: Session, *, loader_id: str, status: str | None, limit: int,
                    offset: int) -> tuple[list[Row], int]:
    where = Where().add("loader_id::text = %s", loader_id).equals("status", status)
    return page(s, select=_EXEC_COLS, source="loader_executions", where=where, order_by="started_at DESC, id",
                limit=limit, offset=offset)
