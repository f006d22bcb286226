"""Request and response models of the loaders API (sources, loaders, segments, executions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from vigil.api.models import ApiModel, PageQuery, ResponseModel
from vigil.signals.models import SEGMENT_CODE

LOADER_CODE = r"^[A-Z][A-Z0-9_]{0,63}$"
MASK = "***"
SourceType = Literal["postgresql", "mysql"]
SslMode = Literal["disable", "prefer", "require", "verify-ca", "verify-full"]


def _blank_is_none(v: str | None) -> str | None:
    return v or None


# -- source databases ----------------------------------------------------------------------

class SourceOptions(ApiModel):
    sslmode: SslMode | None = Field(None, description="TLS mode; MySQL maps it onto PyMySQL's ssl options")


class CreateSource(ApiModel):
    name: str = Field(min_length=1, max_length=100)
    type: SourceType
    host: str = Field(min_length=1, max_length=255)
    port: int = Field(ge=1, le=65535)
    db_name: str = Field(min_length=1, max_length=128)
    user_name: str = Field(min_length=1, max_length=128)
    password: str = Field(max_length=500)
    options: SourceOptions = SourceOptions()


class UpdateSource(ApiModel):
    """Partial update; an omitted password, or "***", keeps the stored one."""

    name: str | None = Field(None, min_length=1, max_length=100)
    type: SourceType | None = None
    host: str | None = Field(None, min_length=1, max_length=255)
    port: int | None = Field(None, ge=1, le=65535)
    db_name: str | None = Field(None, min_length=1, max_length=128)
    user_name: str | None = Field(None, min_length=1, max_length=128)
    password: str | None = Field(None, max_length=500)
    options: SourceOptions | None = None


class ComplianceFinding(ResponseModel):
    code: str
    message: str
    object: str | None = None


class ComplianceOverride(ResponseModel):
    reason: str
    by: str
    at: datetime


class OverrideRequest(ApiModel):
    reason: str = Field(min_length=5, max_length=1000, description="why this non-compliant source may be used")


class SourceOut(ResponseModel):
    id: str
    name: str
    type: SourceType
    host: str
    port: int
    db_name: str
    user_name: str
    password: str = MASK
    options: dict[str, Any] = {}
    read_only_compliant: bool | None = None
    compliance_findings: list[ComplianceFinding] = []
    compliance_checked_at: datetime | None = None
    compliance_override: ComplianceOverride | None = None
    runnable: bool = Field(False, description="compliant, or non-compliant with an ADMIN override")
    created_at: datetime
    updated_at: datetime


class SourceTestResult(ResponseModel):
    ok: bool
    server_version: str | None = None
    error: str | None = None
    source: SourceOut


class SourceQuery(PageQuery):
    q: str | None = Field(None, max_length=100, description="substring of name, host or database")
    type: SourceType | None = None

    @field_validator("q")
    @classmethod
    def _blank(cls, v: str | None) -> str | None:
        return _blank_is_none(v)


# -- segments ------------------------------------------------------------------------------

class CreateSegment(ApiModel):
    segment_code: str = Field(pattern=SEGMENT_CODE)
    description: str = Field("", max_length=500)


class UpdateSegment(ApiModel):
    description: str = Field(max_length=500)


class SegmentOut(ResponseModel):
    id: str
    segment_code: str
    description: str
    created_at: datetime
    updated_at: datetime


class SegmentQuery(PageQuery):
    q: str | None = Field(None, max_length=100)

    @field_validator("q")
    @classmethod
    def _blank(cls, v: str | None) -> str | None:
        return _blank_is_none(v)


# -- loaders -------------------------------------------------------------------------------

class CreateLoader(ApiModel):
    loader_code: str = Field(pattern=LOADER_CODE, description="unique, UPPER_SNAKE_CASE")
    source_database_id: str = Field(min_length=1, max_length=64)
    loader_sql: str = Field(min_length=1, max_length=20000)
    interval_seconds: int = Field(ge=60, le=7 * 86400, description="how often the loader runs")
    max_parallelism: int = Field(1, ge=1, le=10, description="concurrent runs of this loader at most")
    segments: list[str] = Field([], max_length=200, description="allow-list of segment codes; empty = all")
    timeout_seconds: int = Field(30, ge=1, le=300, description="statement timeout of one run")
    enabled: bool = True

    @field_validator("segments")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(s.strip() for s in v if s.strip()))


class UpdateLoader(ApiModel):
    source_database_id: str | None = Field(None, min_length=1, max_length=64)
    loader_sql: str | None = Field(None, min_length=1, max_length=20000)
    interval_seconds: int | None = Field(None, ge=60, le=7 * 86400)
    max_parallelism: int | None = Field(None, ge=1, le=10)
    segments: list[str] | None = Field(None, max_length=200)
    timeout_seconds: int | None = Field(None, ge=1, le=300)
    enabled: bool | None = None

    @field_validator("segments")
    @classmethod
    def _unique(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else list(dict.fromkeys(s.strip() for s in v if s.strip()))


class LastRun(ResponseModel):
    id: str
    status: str
    started_at: datetime
    duration_ms: int | None = None
    rows: int | None = None
    error: str | None = None


class LoaderOut(ResponseModel):
    id: str
    loader_code: str
    source_database_id: str
    source_database_name: str | None = None
    loader_sql: str | None = Field(None, description="decrypted for OPERATOR and ADMIN; null for VIEWER")
    interval_seconds: int
    max_parallelism: int
    segments: list[str]
    timeout_seconds: int
    enabled: bool
    last_scheduled_at: datetime | None = None
    last_run: LastRun | None = None
    created_at: datetime
    updated_at: datetime


class LoaderQuery(PageQuery):
    q: str | None = Field(None, max_length=100, description="substring of the loader code")
    enabled: bool | None = None
    source_database_id: str | None = Field(None, max_length=64)

    @field_validator("q")
    @classmethod
    def _blank(cls, v: str | None) -> str | None:
        return _blank_is_none(v)


class RunAccepted(ResponseModel):
    execution_id: str


class ExecutionOut(ResponseModel):
    id: str
    loader_code: str
    status: Literal["RUNNING", "SUCCESS", "FAILED"]
    trigger: str
    attempts: int
    started_at: datetime
    finished_at: datetime | None = None
    duration_ms: int | None = None
    rows: int | None = None
    rows_skipped: int | None = None
    error: str | None = None


class ExecutionQuery(PageQuery):
    size: int = Field(50, ge=1, le=500)
    status: Literal["RUNNING", "SUCCESS", "FAILED"] | None = None


class PreviewRequest(ApiModel):
    source_database_id: str = Field(min_length=1, max_length=64)
    loader_sql: str = Field(min_length=1, max_length=20000)
    loader_code: str = Field("PREVIEW", pattern=LOADER_CODE)
    segments: list[str] = Field([], max_length=200)
    timeout_seconds: int = Field(30, ge=1, le=300)


class PreviewPoint(ResponseModel):
    segment_code: str
    load_time_stamp: int
    rec_count: int
    max_val: float | None = None
    min_val: float | None = None
    avg_val: float | None = None
    sum_val: float | None = None


class PreviewOut(ResponseModel):
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = Field(description="the query returned more than the preview's 100 rows")
    points: list[PreviewPoint] = Field(description="the rows as the signals a run would write")
    skipped: int = Field(description="rows outside the loader's segments")
    errors: list[dict[str, Any]] = Field(description="rows that would fail a run: {row, message}")
    duration_ms: int
