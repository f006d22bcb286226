"""Request and response models of the charts API (the definition itself is in models.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from vigil.api.models import ApiModel, PageQuery, ResponseModel
from vigil.charts.models import ChartDefinition, ChartType


class ChartWrite(ChartDefinition):
    """A definition plus an optional version message."""

    message: str | None = Field(None, max_length=500, description="why this version")


class ChartOut(ResponseModel):
    id: str
    version: int
    parent_id: str | None
    definition: dict[str, Any]
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class ChartQuery(PageQuery):
    q: str | None = Field(None, max_length=200)
    template: bool | None = None
    chart_type: ChartType | None = None


class RangeQuery(ApiModel):
    """Time range plus template values as `var-<name>=<value>` query parameters."""

    model_config = ConfigDict(extra="allow")

    from_epoch: int = Field(ge=0)
    to_epoch: int = Field(ge=0)

    def values(self) -> dict[str, str]:
        return {k[4:]: str(v) for k, v in (self.model_extra or {}).items() if k.startswith("var-")}


class VersionOut(ResponseModel):
    version: int
    author: str
    created_at: datetime
    message: str | None


class VersionDetail(VersionOut):
    definition: dict[str, Any]


class DiffQuery(ApiModel):
    from_: int = Field(alias="from", ge=1)
    to: int = Field(ge=1)


class DiffOut(ResponseModel):
    from_version: int
    to_version: int
    changes: list[dict[str, Any]]


class RollbackBody(ApiModel):
    message: str | None = Field(None, max_length=500)
