"""The audit trail: one append-only row per mutation anywhere in the platform."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel

from vigil import db as db_adapter
from vigil.db import Database, Session
from vigil.querying import Where, page


class AuditFn(Protocol):
    """What services receive to audit a mutation (`ApiRequest.audit` in the HTTP glue)."""

    def __call__(self, *, action: str, entity_type: str, entity_id: str | None,
                 before: Any = None, after: Any = None, session: Any = None) -> None: ...


_INSERT = """
INSERT INTO audit_log (actor, actor_role, action, entity_type, entity_id, before, after,
                       request_id, client_ip)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
"""

# Keys whose values never reach the audit trail.
_SECRET_KEYS = {"password", "passwordhash", "password_hash", "apitoken", "api_token",
                "personalaccesstoken", "webhooksecret", "secret", "token", "refreshtoken"}


def redact(value: Any) -> Any:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", by_alias=True)
    if isinstance(value, dict):
        return {
            k: ("***" if k.lower().replace("-", "") in _SECRET_KEYS else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def record(
    *,
    session: Session | None,
    actor: str | None,
    actor_role: str | None,
    action: str,
    entity_type: str,
    entity_id: str | None,
    before: Any = None,
    after: Any = None,
    request_id: str | None = None,
    client_ip: str | None = None,
    database: Database | None = None,
) -> None:
    params = (
        actor or "anonymous", actor_role, action, entity_type,
        None if entity_id is None else str(entity_id),
        None if before is None else db_adapter.json(redact(before)),
        None if after is None else db_adapter.json(redact(after)),
        request_id, client_ip,
    )
    if session is not None:
        session.execute(_INSERT, params)
    else:
        (database or db_adapter.get_database()).execute(_INSERT, params)


def search(
    database: Database, *, actor: str | None, action: str | None, entity_type: str | None,
    entity_id: str | None, since: datetime | None, until: datetime | None, limit: int, offset: int,
) -> tuple[list[dict[str, Any]], int]:
    where = (Where().equals("actor", actor).equals("entity_type", entity_type).equals("entity_id", entity_id)
             .contains(["action"], action).at_least("at", since).before("at", until))
    with database.session() as s:
        return page(s, select="id, at, actor, actor_role, action, entity_type, entity_id, before, after, "
                    "request_id, client_ip", source="audit_log", where=where, order_by="at DESC, id DESC",
                    limit=limit, offset=offset)
