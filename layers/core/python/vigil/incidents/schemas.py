"""Request and response models of the incidents API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, field_validator, model_validator

from vigil.api.models import ApiModel, PageQuery, ResponseModel
from vigil.incidents.models import Severity, Status


def _blank_is_none(v: str | None) -> str | None:
    return v or None


class CreateIncident(ApiModel):
    title: str = Field(min_length=1, max_length=300)
    description: str = Field("", max_length=20_000)
    severity: Severity
    loader_code: str | None = Field(None, max_length=100)
    assignee: str | None = Field(None, max_length=100)

    _blank = field_validator("loader_code", "assignee")(_blank_is_none)


class ChangeStatus(ApiModel):
    status: Status
    note: str | None = Field(None, max_length=20_000, description="required for RESOLVED")
    reason: str | None = Field(None, max_length=5_000, description="required for CLOSED")


class Assign(ApiModel):
    assignee: str | None = Field(None, max_length=100, description="a username; null unassigns")

    _blank = field_validator("assignee")(_blank_is_none)


class AddNote(ApiModel):
    text: str = Field(min_length=1, max_length=20_000)


class IncidentFilters(ApiModel):
    """Filters shared by the list and the CSV export."""

    q: str | None = Field(None, max_length=200, description="full-text search: title, description, notes")
    status: list[Status] | None = None
    severity: list[Severity] | None = None
    assignee: str | None = Field(None, max_length=100)
    loader_code: str | None = Field(None, max_length=100)
    from_: datetime | None = Field(None, alias="from", description="created at or after (ISO 8601)")
    to: datetime | None = Field(None, description="created before (ISO 8601)")

    _blank = field_validator("q", "assignee", "loader_code")(_blank_is_none)

    @model_validator(mode="after")
    def _range(self) -> IncidentFilters:
        if self.from_ and self.to and self.from_ >= self.to:
            raise ValueError("'from' must be before 'to'")
        return self


class IncidentQuery(IncidentFilters, PageQuery):
    pass


class ExternalTicket(ResponseModel):
    system: str
    key: str
    url: str | None = None


class IncidentOut(ResponseModel):
    id: str
    number: int
    title: str
    description: str
    severity: Severity
    status: Status
    loader_code: str | None = None
    assignee: str | None = None
    source: str
    resolution_note: str | None = None
    closure_reason: str | None = None
    alert_count: int = 0
    external_ticket: ExternalTicket | None = None
    allowed_transitions: list[Status] = []
    created_by: str
    created_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None


class LinkedAlert(ResponseModel):
    alert_id: str
    rule_id: str | None = None
    rule_name: str | None = None
    loader_code: str | None = None
    severity: str | None = None
    chart_id: str | None = None
    triggered_at: datetime
    resolved_at: datetime | None = None
    current_value: float | None = None
    threshold: float | None = None
    linked_at: datetime


class AttachmentOut(ResponseModel):
    id: str
    incident_id: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


class ReportOut(ResponseModel):
    id: str
    incident_id: str
    size_bytes: int
    chart_ids: list[str]
    range_from: datetime
    range_to: datetime
    created_by: str
    created_at: datetime


class IncidentDetail(IncidentOut):
    alerts: list[LinkedAlert] = []
    attachments: list[AttachmentOut] = []
    reports: list[ReportOut] = []


class TimelineEntry(ResponseModel):
    id: int
    at: datetime
    actor: str
    kind: str
    origin: str
    summary: str
    detail: dict[str, Any]


class DownloadLink(ResponseModel):
    url: str
    expires_at: datetime
    attachment: AttachmentOut


class UploadRequest(ApiModel):
    filename: str = Field(min_length=1, max_length=255)
    size_bytes: int = Field(gt=0)


class UploadLink(ResponseModel):
    upload_id: str
    url: str
    method: str
    filename: str
    expires_at: datetime


class ConfirmUpload(ApiModel):
    upload_id: str = Field(min_length=1, max_length=64)


class UploadQuery(ApiModel):
    filename: str | None = Field(None, max_length=255, description="the file name of a raw upload")
