"""The chart definition schema (the seed's, validated), stored as JSON.

A definition may be partial when it `extends` a parent: only what it overrides is stored, and
`resolve.py` merges it onto the parent's resolved definition. After resolution every chart must
satisfy `ResolvedChart`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from vigil.api.models import UUID_PATTERN

ChartType = Literal["line", "area", "bar", "pie", "scatter", "heatmap"]
Metric = Literal["recCount", "avgVal", "sumVal", "minVal", "maxVal"]
METRICS: tuple[str, ...] = ("recCount", "avgVal", "sumVal", "minVal", "maxVal")

# The data sources a chart may point at: (service, endpoint). Aliases keep the seed's names.
DATA_SOURCES = {
    ("signals", "/api/v1/signals/query"),
    ("signals-service", "/api/v1/signals/query"),
}


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class Threshold(_Model):
    value: float
    label: str | None = Field(None, max_length=100)
    color: str | None = Field(None, max_length=32)
    severity: Literal["INFO", "WARNING", "HIGH", "CRITICAL"] | None = None


class Parameter(_Model):
    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
    label: str | None = Field(None, max_length=100)
    default: str | None = Field(None, max_length=500)
    description: str | None = Field(None, max_length=500)


class DataSource(_Model):
    service: str = Field("signals", max_length=100)
    endpoint: str = Field("/api/v1/signals/query", max_length=200)
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="query parameters: loaderCode, segmentCode (string or list), aggregation, "
        "bucket, limit; strings may hold ${parameter} placeholders",
    )


class Visualization(_Model):
    x_axis: str = Field("timestamp", max_length=64)
    y_axis: list[str] = Field(default_factory=lambda: ["avgVal"], min_length=1, max_length=5)
    title: str | None = Field(None, max_length=200)
    colors: list[str] = Field(default_factory=list, max_length=20)
    units: str | dict[str, str] | None = Field(None, description="one unit, or a unit per metric")
    thresholds: list[Threshold] = Field(default_factory=list, max_length=10)
    stacked: bool = False

    @field_validator("y_axis")
    @classmethod
    def _known_metrics(cls, fields: list[str]) -> list[str]:
        unknown = [f for f in fields if f not in METRICS]
        if unknown:
            raise ValueError(f"unknown metric(s) {unknown}; use {list(METRICS)}")
        return fields

    def unit_of(self, metric: str) -> str | None:
        if isinstance(self.units, dict):
            return self.units.get(metric)
        return self.units


class ChartDefinition(_Model):
    """What a user stores. With `extends`, only `chartName` is required."""

    chart_name: str = Field(min_length=1, max_length=200)
    chart_type: ChartType | None = None
    description: str | None = Field(None, max_length=2000)
    data_source: DataSource | None = None
    visualization: Visualization | None = None
    parameters: list[Parameter] = Field(default_factory=list, max_length=20)
    extends: str | None = Field(None, pattern=UUID_PATTERN,
                                description="id of the parent chart whose definition this overrides")
    is_template: bool = False
    tags: list[str] = Field(default_factory=list, max_length=20)


class ResolvedChart(_Model):
    """A definition after extension and parameter substitution: ready to query and render."""

    chart_name: str
    chart_type: ChartType
    description: str | None = None
    data_source: DataSource
    visualization: Visualization
    parameters: list[Parameter] = []
    is_template: bool = False
    tags: list[str] = []
