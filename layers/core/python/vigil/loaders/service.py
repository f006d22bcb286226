"""Loaders: definitions (SQL encrypted at rest), pause/resume, run now, preview, history."""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Any

from vigil import crypto, errors, sourcedb
from vigil.db import Database, Row, Session, UniqueViolation
from vigil.events import publish
from vigil.loaders import repository as repo
from vigil.loaders import sources_service, sql_contract
from vigil.loaders.schemas import (
    CreateLoader,
    ExecutionOut,
    LastRun,
    LoaderOut,
    PreviewOut,
    PreviewPoint,
    PreviewRequest,
    UpdateLoader,
)
from vigil.settings import get_settings

PREVIEW_ROWS = 100
MANUAL = "MANUAL"
SCHEDULE = "SCHEDULE"


def decrypt_sql(row: Row) -> str:
    return crypto.decrypt(row["loader_sql_enc"], context=repo.LOADER_SQL.context)


def loader_out(row: Row, *, reveal_sql: bool) -> LoaderOut:
    last = None
    if row.get("last_id"):
        last = LastRun(id=row["last_id"], status=row["last_status"], started_at=row["last_started_at"],
                       duration_ms=row["last_duration_ms"], rows=row["last_rows"], error=row["last_error"])
    return LoaderOut(
        id=row["id"], loader_code=row["loader_code"], source_database_id=row["source_database_id"],
        source_database_name=row.get("source_database_name"),
        loader_sql=decrypt_sql(row) if reveal_sql else None, interval_seconds=row["interval_seconds"],
        max_parallelism=row["max_parallelism"], segments=list(row["segments"] or []),
        timeout_seconds=row["timeout_seconds"], enabled=row["enabled"],
        last_scheduled_at=row["last_scheduled_at"], last_run=last, created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _audit_view(row: Row) -> dict[str, Any]:
    """What the audit trail keeps of a loader: the SQL only as a fingerprint (it is a secret)."""
    out = loader_out(row, reveal_sql=False).model_dump(mode="json", by_alias=True, exclude={"last_run"})
    out["loaderSqlSha256"] = hashlib.sha256(decrypt_sql(row).encode()).hexdigest()
    return out


def get_row(s: Session, code: str) -> Row:
    row = repo.get_loader(s, code)
    if row is None:
        raise errors.NotFound(f"loader {code} not found")
    return row


def _check_refs(s: Session, *, source_id: str | None, segments: list[str] | None) -> None:
    if source_id is not None:
        try:
            sources_service.get_row(s, source_id)
        except errors.NotFound as exc:
            raise errors.ValidationFailed(
                f"sourceDatabaseId {source_id} does not name a source database",
                details=[{"field": "body.sourceDatabaseId", "message": "unknown source database"}],
            ) from exc
    if segments:
        unknown = [c for c in segments if c not in repo.existing_segments(s, segments)]
        if unknown:
            raise errors.ValidationFailed(
                f"segment(s) {', '.join(unknown)} are not in the segments dictionary; add them first",
                details=[{"field": "body.segments", "message": f"unknown segment {c}"} for c in unknown],
            )


def get_loader(db: Database, code: str, *, reveal_sql: bool) -> LoaderOut:
    with db.session() as s:
        return loader_out(get_row(s, code), reveal_sql=reveal_sql)


def list_loaders(db: Database, *, q: str | None, enabled: bool | None, source_id: str | None,
                 page: int, size: int, reveal_sql: bool) -> tuple[list[LoaderOut], int]:
    with db.session() as s:
        rows, total = repo.search_loaders(s, q=q, enabled=enabled, source_id=source_id, limit=size,
                                          offset=page * size)
    return [loader_out(r, reveal_sql=reveal_sql) for r in rows], total


def create_loader(db: Database, body: CreateLoader, *, audit) -> LoaderOut:  # type: ignore[no-untyped-def]
    sql_contract.validate_sql(body.loader_sql)
    fields = body.model_dump(exclude={"loader_sql"})
    fields["loader_sql_enc"] = crypto.encrypt(body.loader_sql, context=repo.LOADER_SQL.context)
    with db.session() as s:
        _check_refs(s, source_id=body.source_database_id, segments=body.segments)
        try:
            repo.insert_loader(s, fields)
        except UniqueViolation as exc:
            raise errors.Conflict(f"a loader with code {body.loader_code} already exists") from exc
        row = get_row(s, body.loader_code)
        audit(action="loader.create", entity_type="loader", entity_id=body.loader_code,
              after=_audit_view(row), session=s)
        return loader_out(row, reveal_sql=True)


def update_loader(db: Database, code: str, body: UpdateLoader, *, audit) -> LoaderOut:  # type: ignore[no-untyped-def]
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if not changes:
        raise errors.ValidationFailed("nothing to change")
    if "loader_sql" in changes:
        sql_contract.validate_sql(changes["loader_sql"])
        changes["loader_sql_enc"] = crypto.encrypt(changes.pop("loader_sql"), context=repo.LOADER_SQL.context)
    return _change(db, code, changes, action="loader.update", audit=audit)


def set_enabled(db: Database, code: str, *, enabled: bool, audit) -> LoaderOut:  # type: ignore[no-untyped-def]
    return _change(db, code, {"enabled": enabled}, action="loader.resume" if enabled else "loader.pause",
                   audit=audit)


def _change(db: Database, code: str, changes: dict[str, Any], *, action: str, audit) -> LoaderOut:  # type: ignore[no-untyped-def]
    with db.session() as s:
        if repo.lock_loader(s, code) is None:
            raise errors.NotFound(f"loader {code} not found")
        before = get_row(s, code)
        _check_refs(s, source_id=changes.get("source_database_id"), segments=changes.get("segments"))
        repo.update_loader(s, code, changes)
        row = get_row(s, code)
        audit(action=action, entity_type="loader", entity_id=code, before=_audit_view(before),
              after=_audit_view(row), session=s)
        return loader_out(row, reveal_sql=True)


def delete_loader(db: Database, code: str, *, audit) -> None:  # type: ignore[no-untyped-def]
    """Delete the definition and its run history; its signals stay queryable."""
    with db.session() as s:
        if repo.lock_loader(s, code) is None:
            raise errors.NotFound(f"loader {code} not found")
        before = get_row(s, code)
        repo.delete_loader(s, code)
        audit(action="loader.delete", entity_type="loader", entity_id=code, before=_audit_view(before),
              session=s)


def request_run(db: Database, code: str, *, audit) -> str:  # type: ignore[no-untyped-def]
    """Run now: record the execution (RUNNING, no attempt yet) and queue it."""
    execution_id = str(uuid.uuid4())
    with db.session() as s:
        row = get_row(s, code)
        source = sources_service.get_row(s, row["source_database_id"])
        if not sources_service.is_runnable(source):
            raise errors.Conflict(f"source database {source['name']} is not read-only compliant; an ADMIN "
                                  "must fix its permissions or record an override")
        repo.open_execution(s, execution_id=execution_id, loader_id=row["id"], loader_code=code, trigger=MANUAL)
        publish("loader.run.requested", {"loaderCode": code, "executionId": execution_id, "trigger": MANUAL})
        audit(action="loader.run", entity_type="loader", entity_id=code, after={"executionId": execution_id},
              session=s)
    return execution_id


def list_executions(db: Database, code: str, *, status: str | None, page: int,
                    size: int) -> tuple[list[ExecutionOut], int]:
    with db.session() as s:
        row = get_row(s, code)
        rows, total = repo.list_executions(s, loader_id=row["id"], status=status, limit=size, offset=page * size)
    return [ExecutionOut(**r) for r in rows], total


def get_execution(db: Database, code: str, execution_id: str) -> ExecutionOut:
    with db.session() as s:
        row = get_row(s, code)
        known = sources_service.is_uuid(execution_id)
        found = repo.get_execution(s, execution_id, loader_id=row["id"]) if known else None
    if found is None:
        raise errors.NotFound(f"execution {execution_id} of loader {code} not found")
    return ExecutionOut(**found)


# -- preview -------------------------------------------------------------------------------

def preview_saved(db: Database, code: str) -> PreviewOut:
    with db.session() as s:
        row = get_row(s, code)
    return preview(db, PreviewRequest(source_database_id=row["source_database_id"], loader_sql=decrypt_sql(row),
                                      loader_code=code, segments=list(row["segments"] or []),
                                      timeout_seconds=row["timeout_seconds"]))


def preview(db: Database, body: PreviewRequest) -> PreviewOut:
    """Run the SQL on its source (read-only, first 100 rows) and show what a run would write."""
    sql = sql_contract.validate_sql(body.loader_sql)
    with db.session() as s:
        _check_refs(s, source_id=body.source_database_id, segments=body.segments)
        source = sources_service.get_row(s, body.source_database_id)
    if not sources_service.is_runnable(source):
        raise errors.Conflict(f"source database {source['name']} is not read-only compliant; an ADMIN must fix "
                              "its permissions or record an override before queries run on it")
    started = time.perf_counter()
    result = sourcedb.query(sources_service.config(source), sql, timeout_seconds=body.timeout_seconds,
                            max_rows=PREVIEW_ROWS,
                            connect_timeout=get_settings().source_connect_timeout_seconds)
    duration = round((time.perf_counter() - started) * 1000)
    try:
        conv = sql_contract.to_points(loader_code=body.loader_code, columns=result.columns, rows=result.rows,
                                      segments=body.segments)
        points, skipped, problems = conv.points, conv.skipped, conv.errors
    except errors.ValidationFailed as exc:
        points, skipped, problems = [], 0, [{"row": None, "message": exc.message}]
    return PreviewOut(
        columns=result.columns,
        rows=[{c: sql_contract.jsonable(v) for c, v in zip(result.columns, r, strict=False)} for r in result.rows],
        truncated=result.truncated,
        points=[PreviewPoint(**p.model_dump(exclude={"loader_code"})) for p in points],
        skipped=skipped, errors=problems, duration_ms=duration,
    )
