"""Request and response models of the Jira integration API (shapes pinned in API.md)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from vigil.api.models import ApiModel, PageQuery, ResponseModel

SEVERITIES = ("INFO", "WARNING", "HIGH", "CRITICAL")
INCIDENT_STATUSES = ("NEW", "INVESTIGATING", "RESOLVED", "CLOSED")
MASK = "***"


class DeploymentType(StrEnum):
    CLOUD = "CLOUD"  # email + API token, REST v3, Atlassian Document Format
    DATA_CENTER = "DATA_CENTER"  # personal access token, REST v2, plain text


class StatusMap(ApiModel):
    to_jira: dict[str, str] = Field(default_factory=dict, description="our status → Jira status name")
    from_jira: dict[str, str] = Field(default_factory=dict, description="Jira status name → our status")

    @field_validator("to_jira")
    @classmethod
    def _our_keys(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [k for k in v if k not in INCIDENT_STATUSES]
        if bad:
            raise ValueError(f"unknown incident status(es) {bad}; use {list(INCIDENT_STATUSES)}")
        return v

    @field_validator("from_jira")
    @classmethod
    def _our_values(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [val for val in v.values() if val not in INCIDENT_STATUSES]
        if bad:
            raise ValueError(f"unknown incident status(es) {bad}; use {list(INCIDENT_STATUSES)}")
        return v


class JiraConfigIn(ApiModel):
    """PUT body. A secret that is omitted or sent as "***" keeps its stored value."""

    base_url: str = Field(min_length=8, max_length=500, pattern=r"^https?://[^\s]+$")
    deployment_type: DeploymentType
    email: str | None = Field(None, max_length=320)
    api_token: str | None = Field(None, max_length=2000)
    personal_access_token: str | None = Field(None, max_length=2000)
    project_key: str = Field(pattern=r"^[A-Z][A-Z0-9_]{0,49}$")
    issue_type: str = Field(min_length=1, max_length=100)
    priority_map: dict[str, str] = Field(default_factory=dict, description="severity → Jira priority name")
    status_map: StatusMap = Field(default_factory=StatusMap)
    user_map: dict[str, str] = Field(
        default_factory=dict, description="our username → Jira accountId (Cloud) or username (Data Center)"
    )
    webhook_secret: str | None = Field(None, max_length=500)

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, v: str) -> str:
        return v.rstrip("/")

    @field_validator("priority_map")
    @classmethod
    def _severities(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [k for k in v if k not in SEVERITIES]
        if bad:
            raise ValueError(f"unknown severity(ies) {bad}; use {list(SEVERITIES)}")
        return v

    @model_validator(mode="after")
    def _webhook_secret_length(self) -> JiraConfigIn:
        s = self.webhook_secret
        if s is not None and s != MASK and len(s) < 16:
            raise ValueError("webhookSecret must be at least 16 characters")
        return self


class JiraConfigOut(ResponseModel):
    base_url: str
    deployment_type: DeploymentType
    email: str | None = None
    api_token: str | None = None
    personal_access_token: str | None = None
    project_key: str
    issue_type: str
    priority_map: dict[str, str]
    status_map: dict[str, dict[str, str]]
    user_map: dict[str, str]
    webhook_secret: str
    integration_account: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None


class ConnectionCheck(ResponseModel):
    name: str
    ok: bool
    message: str


class ConnectionReport(ResponseModel):
    ok: bool
    server: str | None = None
    account: str | None = None
    checks: list[ConnectionCheck]


class SyncRequest(ApiModel):
    incident_id: str | None = Field(None, description="one incident; omitted: every pending one")

    @field_validator("incident_id")
    @classmethod
    def _uuid(cls, v: str | None) -> str | None:
        import uuid

        if v is not None:
            try:
                uuid.UUID(v)
            except ValueError as exc:
                raise ValueError("incidentId must be a UUID") from exc
        return v


class SyncFailure(ResponseModel):
    incident_id: str
    error: str


class SyncResult(ResponseModel):
    attempted: int
    synced: list[str]
    failed: list[SyncFailure]


class MappingOut(ResponseModel):
    incident_id: str
    jira_key: str | None = None
    jira_url: str | None = None
    last_synced_at: datetime | None = None
    status: Literal["PENDING", "SYNCED", "FAILED"]
    last_error: str | None = None


class MappingQuery(PageQuery):
    status: Literal["PENDING", "SYNCED", "FAILED"] | None = None


class SyncLogEntry(ResponseModel):
    id: int
    at: datetime
    direction: Literal["OUT", "IN"]
    operation: str
    incident_id: str | None = None
    jira_key: str | None = None
    method: str | None = None
    url: str | None = None
    request: Any = None
    response_status: int | None = None
    response: Any = None
    attempt: int
    duration_ms: int | None = None
    outcome: str
    error: str | None = None


class SyncLogQuery(PageQuery):
    incident_id: str | None = None
    jira_key: str | None = Field(None, max_length=100)
    outcome: str | None = Field(None, max_length=40)


class WebhookAck(ResponseModel):
    outcome: str
    detail: str = ""
