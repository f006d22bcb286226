"""Request and response models of the alerting API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from vigil.alerting.models import Metric, RuleDefinition, Severity
from vigil.api.models import UUID_PATTERN, ApiModel, PageQuery, ResponseModel


class RuleOut(ResponseModel):
    id: str
    version: int
    status: Literal["ACTIVE", "PAUSED"]
    firing: bool = Field(description="any of the rule's series is FIRING now")
    definition: dict[str, Any]
    created_by: str
    created_at: datetime
    updated_at: datetime
    states: list[dict[str, Any]] = []


class RuleQuery(PageQuery):
    q: str | None = Field(None, max_length=200)
    status: Literal["ACTIVE", "PAUSED", "FIRING"] | None = None
    severity: Severity | None = None
    loader_code: str | None = Field(None, max_length=64)
    chart_id: str | None = Field(None, max_length=36)


class StatusBody(ApiModel):
    status: Literal["ACTIVE", "PAUSED"]


class TestBody(ApiModel):
    rule: RuleDefinition | None = None
    rule_id: str | None = Field(None, pattern=UUID_PATTERN)
    from_epoch: int = Field(ge=0)
    to_epoch: int = Field(ge=0)

    @model_validator(mode="after")
    def _one_rule(self) -> TestBody:
        if (self.rule is None) == (self.rule_id is None):
            raise ValueError("send either rule (a definition) or ruleId (a saved rule)")
        if self.to_epoch <= self.from_epoch:
            raise ValueError("toEpoch must be after fromEpoch")
        if self.to_epoch - self.from_epoch > 93 * 86400:
            raise ValueError("a backtest covers at most 93 days")
        return self


class BacktestStep(ResponseModel):
    timestamp: int
    series_key: str = ""
    value: float | None
    state: str
    candidate: str
    score: float | None = None
    baseline_change: float | None = None
    silenced: bool = False


class Firing(ResponseModel):
    series_key: str = ""
    from_: int = Field(alias="from")
    to: int | None
    peak_value: float | None
    suppressed: bool = False


class TestResult(ResponseModel):
    metric: Metric
    threshold: float | None
    timeline: list[BacktestStep]
    firings: list[Firing]


class AlertOut(ResponseModel):
    alert_id: str
    rule_id: str
    rule_name: str
    loader_code: str
    segment_code: str | None
    severity: Severity
    status: Literal["FIRING", "RESOLVED"]
    triggered_at: datetime
    resolved_at: datetime | None
    current_value: float | None
    threshold: float | None
    labels: dict[str, str]
    chart_id: str | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None


class AlertDetail(AlertOut):
    payload: dict[str, Any]


class HistoryQuery(PageQuery):
    rule_id: str | None = Field(None, max_length=36)
    severity: Severity | None = None
    status: Literal["FIRING", "RESOLVED"] | None = None
    loader_code: str | None = Field(None, max_length=64)
    from_epoch: int | None = Field(None, ge=0)
    to_epoch: int | None = Field(None, ge=0)
    acknowledged: bool | None = None


class SilenceIn(ApiModel):
    rule_id: str | None = Field(None, pattern=UUID_PATTERN)
    loader_code: str | None = Field(None, pattern=r"^[A-Z][A-Z0-9_]{0,63}$")
    labels: dict[str, str] = Field(default_factory=dict, max_length=20)
    starts_at: datetime
    ends_at: datetime
    reason: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _matcher_and_order(self) -> SilenceIn:
        if not (self.rule_id or self.loader_code or self.labels):
            raise ValueError("a silence needs ruleId, loaderCode or labels to match")
        if self.ends_at <= self.starts_at:
            raise ValueError("endsAt must be after startsAt")
        return self


class SilenceOut(ResponseModel):
    id: str
    rule_id: str | None
    loader_code: str | None
    labels: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    reason: str
    created_by: str
    created_at: datetime
    active: bool


class SilenceQuery(PageQuery):
    active: bool | None = None
    rule_id: str | None = Field(None, max_length=36)


class EvaluationOut(ResponseModel):
    series_key: str
    evaluated_at: datetime
    state: str
    candidate: str
    value: float | None
    score: float | None
    held_seconds: int | None
    silenced: bool
    action: str | None
    details: dict[str, Any] | None
    duration_ms: float | None
