"""Source databases: CRUD with encrypted passwords, connection tests, read-only compliance and
the ADMIN override that lets a loader use a non-compliant source."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from vigil import crypto, errors, sourcedb
from vigil.db import Database, Row, Session, UniqueViolation
from vigil.loaders import compliance
from vigil.loaders import repository as repo
from vigil.loaders.schemas import (
    MASK,
    ComplianceFinding,
    ComplianceOverride,
    CreateSource,
    SourceOut,
    SourceTestResult,
    UpdateSource,
)
from vigil.settings import get_settings

# A change to any of these points the source at another account: the stored compliance and any
# override no longer describe it.
_CONNECTION_FIELDS = {"type", "host", "port", "db_name", "user_name", "password", "options"}


def source_out(row: Row) -> SourceOut:
    override = row["compliance_override"]
    return SourceOut(
        id=row["id"], name=row["name"], type=row["type"], host=row["host"], port=row["port"],
        db_name=row["db_name"], user_name=row["user_name"], password=MASK, options=row["options"] or {},
        read_only_compliant=row["read_only_compliant"],
        compliance_findings=[ComplianceFinding(**f) for f in row["compliance_findings"] or []],
        compliance_checked_at=row["compliance_checked_at"],
        compliance_override=ComplianceOverride(**override) if override else None,
        runnable=is_runnable(row), created_at=row["created_at"], updated_at=row["updated_at"],
    )


def is_runnable(row: Row) -> bool:
    return bool(row["read_only_compliant"]) or row["compliance_override"] is not None


def config(row: Row) -> sourcedb.SourceConfig:
    """Connection settings with the password decrypted (never logged or returned)."""
    return sourcedb.SourceConfig(
        type=row["type"], host=row["host"], port=int(row["port"]), db_name=row["db_name"],
        user_name=row["user_name"],
        password=crypto.decrypt(row["password_enc"], context=repo.SOURCE_PASSWORD.context),
        options=row["options"] or {},
    )


def _inspect(cfg: sourcedb.SourceConfig) -> dict[str, Any]:
    report = compliance.inspect(cfg, connect_timeout=get_settings().source_connect_timeout_seconds)
    return {
        "read_only_compliant": report.compliant,
        "compliance_findings": [f.as_dict() for f in report.findings],
        "compliance_checked_at": datetime.now(UTC),
    }


def get_row(s: Session, source_id: str, *, lock: bool = False) -> Row:
    row = repo.get_source(s, source_id, lock=lock) if is_uuid(source_id) else None
    if row is None:
        raise errors.NotFound(f"source database {source_id} not found")
    return row


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def get_source(db: Database, source_id: str) -> SourceOut:
    with db.session() as s:
        return source_out(get_row(s, source_id))


def list_sources(db: Database, *, q: str | None, type_: str | None, page: int,
                 size: int) -> tuple[list[SourceOut], int]:
    with db.session() as s:
        rows, total = repo.search_sources(s, q=q, type_=type_, limit=size, offset=page * size)
    return [source_out(r) for r in rows], total


def create_source(db: Database, body: CreateSource, *, audit) -> SourceOut:  # type: ignore[no-untyped-def]
    fields = body.model_dump(exclude={"password", "options"})
    fields["options"] = body.options.model_dump(exclude_none=True)
    cfg = sourcedb.SourceConfig(type=body.type, host=body.host, port=body.port, db_name=body.db_name,
                                user_name=body.user_name, password=body.password, options=fields["options"])
    # Inspect before the transaction: a slow source must not hold a platform connection.
    fields.update(_inspect(cfg))
    fields["password_enc"] = crypto.encrypt(body.password, context=repo.SOURCE_PASSWORD.context)
    with db.session() as s:
        try:
            row = repo.insert_source(s, fields)
        except UniqueViolation as exc:
            raise errors.Conflict(f"a source database named {body.name!r} already exists") from exc
        out = source_out(row)
        audit(action="source.create", entity_type="source_database", entity_id=out.id, after=out, session=s)
    return out


def update_source(db: Database, source_id: str, body: UpdateSource, *, audit) -> SourceOut:  # type: ignore[no-untyped-def]
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if changes.get("password") == MASK:
        changes.pop("password")  # the masked value sent back by a form means "keep it"
    if "options" in changes:
        changes["options"] = body.options.model_dump(exclude_none=True) if body.options else {}
    if not changes:
        raise errors.ValidationFailed("nothing to change")
    with db.session() as s:
        current = get_row(s, source_id)
    merged = {**current, **{k: v for k, v in changes.items() if k != "password"}}
    cfg = config(merged) if "password" not in changes else sourcedb.SourceConfig(
        type=merged["type"], host=merged["host"], port=int(merged["port"]), db_name=merged["db_name"],
        user_name=merged["user_name"], password=changes["password"], options=merged["options"] or {},
    )
    fields = {k: v for k, v in changes.items() if k != "password"}
    if "password" in changes:
        fields["password_enc"] = crypto.encrypt(changes["password"], context=repo.SOURCE_PASSWORD.context)
    if _CONNECTION_FIELDS & changes.keys():
        fields.update(_inspect(cfg))
        fields["compliance_override"] = None
    with db.session() as s:
        before = get_row(s, source_id, lock=True)
        try:
            row = repo.update_source(s, source_id, fields)
        except UniqueViolation as exc:
            raise errors.Conflict(f"a source database named {changes.get('name')!r} already exists") from exc
        assert row is not None
        out = source_out(row)
        audit(action="source.update", entity_type="source_database", entity_id=source_id,
              before=source_out(before), after=out, session=s)
    return out


def delete_source(db: Database, source_id: str, *, audit) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        before = get_row(s, source_id, lock=True)
        users = repo.loaders_using_source(s, source_id)
        if users:
            raise errors.Conflict(f"the source is used by loader(s) {', '.join(users[:20])}; "
                                  "delete or move them first", details=[{"field": "loaders", "message": u}
                                                                        for u in users[:20]])
        repo.delete_source(s, source_id)
        audit(action="source.delete", entity_type="source_database", entity_id=source_id,
              before=source_out(before), session=s)


def test_source(db: Database, source_id: str, *, audit) -> SourceTestResult:  # type: ignore[no-untyped-def]
    """Connect, report the server version, and refresh the stored compliance."""
    with db.session() as s:
        row = get_row(s, source_id)
    cfg = config(row)
    ok, version, error = True, None, None
    started = time.perf_counter()
    try:
        version = sourcedb.query(cfg, "SELECT 1", timeout_seconds=10, max_rows=1,
                                 connect_timeout=get_settings().source_connect_timeout_seconds).server_version
    except (sourcedb.SourceUnavailable, sourcedb.SourceQueryFailed) as exc:
        ok, error = False, exc.message
    fields = _inspect(cfg) if ok else {
        "read_only_compliant": False, "compliance_checked_at": datetime.now(UTC),
        "compliance_findings": [{"code": "INSPECTION_FAILED", "object": None,
                                 "message": f"the permissions could not be inspected: {error}"}],
    }
    with db.session() as s:
        before = get_row(s, source_id, lock=True)
        updated = repo.update_source(s, source_id, fields)
        assert updated is not None
        out = source_out(updated)
        audit(action="source.test", entity_type="source_database", entity_id=source_id,
              before={"readOnlyCompliant": before["read_only_compliant"]},
              after={"ok": ok, "readOnlyCompliant": out.read_only_compliant,
                     "durationMs": round((time.perf_counter() - started) * 1000)}, session=s)
    return SourceTestResult(ok=ok, server_version=version, error=error, source=out)


def set_override(db: Database, source_id: str, *, reason: str | None, actor: str, audit) -> SourceOut:  # type: ignore[no-untyped-def]
    """Record (reason given) or withdraw (None) an ADMIN's acceptance of a non-compliant source."""
    with db.session() as s:
        before = get_row(s, source_id, lock=True)
        override = None if reason is None else {"reason": reason, "by": actor, "at": datetime.now(UTC).isoformat()}
        row = repo.update_source(s, source_id, {"compliance_override": override})
        assert row is not None
        out = source_out(row)
        audit(action="source.compliance_override" if reason else "source.compliance_override_removed",
              entity_type="source_database", entity_id=source_id,
              before={"complianceOverride": before["compliance_override"]},
              after={"complianceOverride": override, "readOnlyCompliant": out.read_only_compliant}, session=s)
    return out
