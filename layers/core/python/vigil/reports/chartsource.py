"""Chart ids → renderer input, through the charts domain's data function (the very query the
chart shows in the UI), with the incident's alerts marked: each linked alert's rule threshold
as a line and its firing span as a shaded window."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from vigil.db import Database
from vigil.redis import Store
from vigil.reports.models import AlertRow, ChartData, Marker, Series, Window

SEVERITY_RGB = {"INFO": (8, 145, 178), "WARNING": (217, 119, 6), "HIGH": (234, 88, 12),
                "CRITICAL": (220, 38, 38)}


class LinkedAlert(Protocol):
    chart_id: str | None
    loader_code: str | None


class ChartSource(Protocol):
    """Anything that turns chart ids into ChartData (the charts domain, or a test plugin)."""

    def __call__(self, *, chart_ids: Sequence[str], from_epoch: int, to_epoch: int,
                 alerts: Sequence[tuple[AlertRow, str | None, str | None]]) -> list[ChartData]: ...


def _rgb(color: str | None, severity: str | None) -> tuple[int, int, int]:
    if color and len(color) == 7 and color.startswith("#"):
        try:
            return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)
        except ValueError:
            pass
    # Chart thresholds default to amber so the (red) rule thresholds of alerts stand out.
    return SEVERITY_RGB.get(severity or "", (217, 119, 6))


def _epoch(value: datetime) -> float:
    return value.timestamp()


def from_charts_domain(db: Database, store: Store | None) -> ChartSource:
    def load(*, chart_ids: Sequence[str], from_epoch: int, to_epoch: int,
             alerts: Sequence[tuple[AlertRow, str | None, str | None]]) -> list[ChartData]:
        from vigil.charts import data as chart_data
        from vigil.charts.echarts import series_by_name

        # Resolve every chart before drawing any: an unknown id fails the whole report.
        resolved = [(cid, *chart_data.chart_data(db=db, store=store, chart_id=cid, from_epoch=from_epoch,
                                                 to_epoch=to_epoch)) for cid in chart_ids]
        out = []
        for cid, chart, result in resolved:
            points = result.model_dump(mode="json", by_alias=True)["dataPoints"]
            viz = chart.visualization
            series = [Series(name, [(ms / 1000, v) for ms, v in pts])
                      for name, (_, pts) in series_by_name(chart, points).items()]
            units = sorted({u for u in (viz.unit_of(m) for m in viz.y_axis) if u})
            loader = chart.data_source.params.get("loaderCode")
            markers = [Marker(t.value, t.label or f"threshold {t.value:g}", _rgb(t.color, t.severity))
                       for t in viz.thresholds]
            out.append(mark_alerts(ChartData(
                chart_id=cid, title=viz.title or chart.chart_name, unit=" / ".join(units), series=series,
                from_epoch=from_epoch, to_epoch=to_epoch, thresholds=markers,
                subtitle=_subtitle(loader, result.aggregation, result.sampled, result.original_points, len(points)),
            ), alerts, loader_code=loader))
        return out

    return load


def _subtitle(loader: Any, aggregation: Any, sampled: bool, original: int, shown: int) -> str:
    text = f"loader {loader} - {getattr(aggregation, 'value', aggregation)}"
    return text + (f" - {shown} of {original} points" if sampled else "")


def mark_alerts(chart: ChartData, alerts: Sequence[tuple[AlertRow, str | None, str | None]], *,
                loader_code: Any = None) -> ChartData:
    """Add the threshold and firing window of each alert tied to this chart (by chart id, or by
    loader when the alert names no chart)."""
    thresholds = list(chart.thresholds)
    windows = list(chart.windows)
    seen = {round(m.value, 9) for m in thresholds}
    for alert, chart_id, alert_loader in alerts:
        if not (chart_id == chart.chart_id or (chart_id is None and alert_loader and alert_loader == loader_code)):
            continue
        if alert.threshold is not None and round(alert.threshold, 9) not in seen:
            seen.add(round(alert.threshold, 9))
            thresholds.append(Marker(alert.threshold, f"{alert.rule_name} threshold {alert.threshold:g}",
                                     SEVERITY_RGB.get(alert.severity, (220, 38, 38))))
        end = _epoch(alert.resolved_at) if alert.resolved_at else chart.to_epoch
        windows.append(Window(_epoch(alert.triggered_at), end, f"{alert.rule_name} firing"))
    return ChartData(chart_id=chart.chart_id, title=chart.title, unit=chart.unit, series=chart.series,
                     from_epoch=chart.from_epoch, to_epoch=chart.to_epoch, thresholds=thresholds,
                     windows=windows, subtitle=chart.subtitle)
