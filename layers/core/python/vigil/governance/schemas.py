"""Models of the audit API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from vigil.api.models import PageQuery, ResponseModel


class AuditQuery(PageQuery):
    actor: str | None = Field(None, max_length=100)
    action: str | None = Field(None, max_length=100)
    entity_type: str | None = Field(None, max_length=100)
    entity_id: str | None = Field(None, max_length=200)
    since: datetime | None = None
    until: datetime | None = None


class AuditEntry(ResponseModel):
    id: int
    at: datetime
    actor: str
    actor_role: str | None
    action: str
    entity_type: str
    entity_id: str | None
    before: Any = None
    after: Any = None
    request_id: str | None
    client_ip: str | None
