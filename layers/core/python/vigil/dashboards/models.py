"""The dashboard definition: grid placements of charts, time range, refresh, variables."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from vigil.api.models import UUID_PATTERN, ApiModel, PageQuery, ResponseModel

GRID_COLUMNS = 12
RELATIVE = r"^now(-\d+[mhdw])?$"


class GridItem(ApiModel):
    chart_id: str = Field(pattern=UUID_PATTERN)
    x: int = Field(ge=0, lt=GRID_COLUMNS)
    y: int = Field(ge=0, le=1000)
    w: int = Field(ge=1, le=GRID_COLUMNS)
    h: int = Field(ge=1, le=50)
    title: str | None = Field(None, max_length=200)
    params: dict[str, str] = Field(default_factory=dict, description="values for this placement's chart parameters")


class DashboardTimeRange(ApiModel):
    from_: str | int = Field("now-24h", alias="from", description="epoch seconds or now-<n><m|h|d|w>")
    to: str | int = Field("now")

    @field_validator("from_", "to")
    @classmethod
    def _relative_or_epoch(cls, v: str | int) -> str | int:
        import re

        if isinstance(v, int):
            if v < 0:
                raise ValueError("epoch seconds must be positive")
            return v
        if not re.match(RELATIVE, v):
            raise ValueError("use epoch seconds or now, now-15m, now-24h, now-7d, now-4w")
        return v


class Variable(ApiModel):
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
    label: str | None = Field(None, max_length=100)
    default: str | None = Field(None, max_length=500)
    options: list[str] = Field(default_factory=list, max_length=200)


class DashboardDefinition(ApiModel):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    charts: list[GridItem] = Field(default_factory=list, max_length=48)
    time_range: DashboardTimeRange = Field(default_factory=DashboardTimeRange)
    refresh_seconds: int | None = Field(None, ge=0, le=86400, description="0 or null: no auto-refresh; else ≥ 10")
    variables: list[Variable] = Field(default_factory=list, max_length=20)

    @field_validator("refresh_seconds")
    @classmethod
    def _sane_refresh(cls, v: int | None) -> int | None:
        if v not in (None, 0) and v < 10:  # type: ignore[operator]
            raise ValueError("refresh more often than every 10 s is not allowed")
        return v


class DashboardWrite(DashboardDefinition):
    message: str | None = Field(None, max_length=500, description="why this version")


class DashboardOut(ResponseModel):
    id: str
    version: int
    name: str
    definition: dict[str, Any]
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class ResolvedItem(ResponseModel):
    chart_id: str
    x: int
    y: int
    w: int
    h: int
    title: str | None = None
    chart: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class DashboardView(DashboardOut):
    resolved_charts: list[ResolvedItem]
    effective_variables: dict[str, str]


class DashboardQuery(PageQuery):
    q: str | None = Field(None, max_length=200)


class ImportBody(ApiModel):
    document: dict[str, Any]
    mode: Literal["new", "overwrite"] = "new"
