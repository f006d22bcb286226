"""The renderer's input: plain data, independent of where charts and incidents come from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[float, float | None]]  # (epoch seconds, value); None is a gap


@dataclass(frozen=True)
class Marker:
    """A horizontal line: a rule threshold or a chart threshold."""

    value: float
    label: str
    color: tuple[int, int, int] = (220, 38, 38)


@dataclass(frozen=True)
class Window:
    """A shaded span of time: when an alert was firing."""

    start: float
    end: float
    label: str = "firing"


@dataclass(frozen=True)
class ChartData:
    chart_id: str
    title: str
    unit: str
    series: list[Series]
    from_epoch: float
    to_epoch: float
    thresholds: list[Marker] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    subtitle: str = ""


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    actor: str
    summary: str


@dataclass(frozen=True)
class AlertRow:
    alert_id: str
    rule_name: str
    severity: str
    triggered_at: datetime
    resolved_at: datetime | None
    current_value: float | None
    threshold: float | None


@dataclass
class ReportContent:
    """Everything one RCA report shows; `incident` is the IncidentOut dump (snake_case)."""

    incident: dict[str, Any]
    generated_at: datetime
    generated_by: str
    range_from: datetime
    range_to: datetime
    timeline: list[TimelineRow]
    alerts: list[AlertRow]
    charts: list[ChartData]
    investigation_notes: list[str]
    extra_notes: str
    root_cause: str
    recommendations: list[str]
