"""Request and response models of the RCA API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import Field, field_validator, model_validator

from vigil.api.models import ApiModel, ResponseModel

MAX_RANGE_SECONDS = 366 * 24 * 3600


class ReportTimeRange(ApiModel):
    from_: int = Field(alias="from", ge=0, description="epoch seconds (UTC), or an ISO 8601 time")
    to: int = Field(ge=0, description="epoch seconds (UTC), or an ISO 8601 time")

    @field_validator("from_", "to", mode="before")
    @classmethod
    def _iso_to_epoch(cls, v: Any) -> Any:
        if isinstance(v, str) and not v.strip().lstrip("-").isdigit():
            try:
                moment = datetime.fromisoformat(v.strip().replace("Z", "+00:00"))
            except ValueError as exc:
                raise ValueError("expected epoch seconds or an ISO 8601 time") from exc
            return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())
        return v

    @model_validator(mode="after")
    def _ordered(self) -> ReportTimeRange:
        if self.to <= self.from_:
            raise ValueError("'to' must be after 'from'")
        if self.to - self.from_ > MAX_RANGE_SECONDS:
            raise ValueError("the range may span at most 366 days")
        return self


class GenerateRca(ApiModel):
    incident_id: str = Field(min_length=1, max_length=64)
    chart_ids: list[str] = Field(default_factory=list, max_length=12,
                                 description="empty: the charts of the incident's alerts")
    time_range: ReportTimeRange
    notes: str | None = Field(None, max_length=20_000)
    root_cause: str | None = Field(None, max_length=20_000, description="defaults to the resolution note")
    recommendations: list[str] | None = Field(None, max_length=30)

    @model_validator(mode="after")
    def _unique_charts(self) -> GenerateRca:
        if len(set(self.chart_ids)) != len(self.chart_ids):
            raise ValueError("chartIds must not repeat")
        return self


class RcaResult(ResponseModel):
    report_id: str
    url: str
    expires_at: datetime
