"""The alert rule as users write it (API.md), validated with the field path on every error."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from vigil import durations
from vigil.api.models import UUID_PATTERN, ApiModel

Operator = Literal[">", "<", ">=", "<=", "==", "!="]
Severity = Literal["INFO", "WARNING", "HIGH", "CRITICAL"]
Metric = Literal["avgVal", "sumVal", "minVal", "maxVal", "recCount"]
SEVERITIES: tuple[str, ...] = ("INFO", "WARNING", "HIGH", "CRITICAL")

MIN_INTERVAL_SECONDS = 10
MAX_WINDOW_SECONDS = 31 * 86400


def compare(value: float, operator: str, threshold: float) -> bool:
    if operator == ">":
        return value > threshold
    if operator == "<":
        return value < threshold
    if operator == ">=":
        return value >= threshold
    if operator == "<=":
        return value <= threshold
    if operator == "==":
        return math.isclose(value, threshold, rel_tol=1e-9, abs_tol=1e-12)
    return not math.isclose(value, threshold, rel_tol=1e-9, abs_tol=1e-12)


def _duration(value: str, *, allow_zero: bool = True) -> str:
    secs = durations.seconds(value)
    if secs == 0 and not allow_zero:
        raise ValueError("must be longer than 0s")
    if secs > MAX_WINDOW_SECONDS:
        raise ValueError("must be at most 31d")
    return value


# A window length: a duration longer than 0 and at most 31 days.
Window = Annotated[str, AfterValidator(lambda v: _duration(v, allow_zero=False))]


class Condition(ApiModel):
    operator: Operator
    threshold: float = Field(allow_inf_nan=False)
    duration: str = Field("0s", description="how long the condition must hold on the data before firing")

    @field_validator("duration")
    @classmethod
    def _valid(cls, v: str) -> str:
        return _duration(v)

    @property
    def duration_seconds(self) -> int:
        return durations.seconds(self.duration)

    def breaches(self, value: float) -> bool:
        return compare(value, self.operator, self.threshold)


class BaselineCondition(ApiModel):
    compare_to: Literal["yesterday", "lastWeek", "lastMonth"]
    mode: Literal["percent", "ratio"] = "percent"
    operator: Operator
    threshold: float = Field(allow_inf_nan=False, description="percent change (e.g. 50 or -30) or ratio (e.g. 1.5)")
    window: Window = Field("1h", description="the window aggregated now and at the same time before")

    @property
    def window_seconds(self) -> int:
        return durations.seconds(self.window)


class WeightedWindow(ApiModel):
    window: Window
    weight: float = Field(gt=0, le=1)
    operator: Operator
    threshold: float = Field(allow_inf_nan=False)

    @property
    def window_seconds(self) -> int:
        return durations.seconds(self.window)


class RuleDefinition(ApiModel):
    rule_name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    chart_id: str = Field(pattern=UUID_PATTERN)
    loader_code: str = Field(pattern=r"^[A-Z][A-Z0-9_]{0,63}$")
    metric: Metric
    segment_code: str | None = Field(None, max_length=64)
    chart_params: dict[str, str] = Field(default_factory=dict, description="values for the chart's template parameters")
    conditions: list[Condition] = Field(default_factory=list, max_length=5)
    baseline: BaselineCondition | None = None
    windows: list[WeightedWindow] = Field(default_factory=list, max_length=6)
    score_threshold: float | None = Field(None, gt=0, le=1)
    severity: Severity
    suppression_window: str = Field("30m")
    no_data: Literal["ok", "keep", "alert"] = "keep"
    labels: dict[str, str] = Field(default_factory=dict, max_length=20)
    evaluation_interval: str = Field("30s")

    @field_validator("suppression_window")
    @classmethod
    def _suppression(cls, v: str) -> str:
        return _duration(v)

    @field_validator("evaluation_interval")
    @classmethod
    def _interval(cls, v: str) -> str:
        if durations.seconds(v) < MIN_INTERVAL_SECONDS:
            raise ValueError(f"must be at least {MIN_INTERVAL_SECONDS}s")
        return _duration(v)

    @property
    def interval_seconds(self) -> int:
        return durations.seconds(self.evaluation_interval)

    @property
    def suppression_seconds(self) -> int:
        return durations.seconds(self.suppression_window)

    @property
    def threshold(self) -> float | None:
        """The threshold quoted in events and history: the first condition's, else the part used."""
        if self.conditions:
            return self.conditions[0].threshold
        if self.baseline:
            return self.baseline.threshold
        return self.score_threshold

    @property
    def lookback_seconds(self) -> int:
        """How much history one evaluation reads."""
        spans = [c.duration_seconds for c in self.conditions] + [w.window_seconds for w in self.windows]
        if self.baseline:
            spans.append(self.baseline.window_seconds)
        return max([*spans, 300])


def consistency_problems(rule: RuleDefinition) -> list[dict[str, str]]:
    """Rules across fields, each reported with the path of the field to fix."""
    problems: list[dict[str, str]] = []
    if not (rule.conditions or rule.baseline or rule.windows):
        problems.append({"field": "body.conditions",
                         "message": "a rule needs at least one of conditions, baseline or windows"})
    for i, c in enumerate(rule.conditions):
        if 0 < c.duration_seconds < rule.interval_seconds:
            problems.append({"field": f"body.conditions[{i}].duration",
                             "message": f"{c.duration} is shorter than the evaluation interval "
                                        f"({rule.evaluation_interval})"})
    if rule.windows:
        total = sum(w.weight for w in rule.windows)
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            problems.append({"field": "body.windows", "message": f"the weights must sum to 1 (they sum to {total:g})"})
        if rule.score_threshold is None:
            problems.append({"field": "body.scoreThreshold", "message": "required with windows"})
    elif rule.score_threshold is not None:
        problems.append({"field": "body.scoreThreshold", "message": "only applies with windows"})
    return problems
