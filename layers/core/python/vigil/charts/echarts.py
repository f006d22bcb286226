"""Render a resolved chart and its data to an Apache ECharts option, so every front end (and
the RCA report's reader) sees one mapping. Output is plain JSON: no JS functions."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from vigil.charts.models import ResolvedChart

PALETTE = ["#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d"]
SEVERITY_COLORS = {"INFO": "#0891b2", "WARNING": "#d97706", "HIGH": "#ea580c", "CRITICAL": "#dc2626"}
LABELS = {"recCount": "records", "avgVal": "avg", "sumVal": "sum", "minVal": "min", "maxVal": "max"}


def series_by_name(chart: ResolvedChart, points: list[dict[str, Any]]) -> OrderedDict[str, tuple[str, list[list[Any]]]]:
    """{series name: (metric, [[epoch ms, value], ...])}: one series per metric, and per segment
    when the data is split by segment."""
    segments = sorted({p["segmentCode"] for p in points if p.get("segmentCode") is not None})
    split = len(segments) > 1
    out: OrderedDict[str, tuple[str, list[list[Any]]]] = OrderedDict()
    for metric in chart.visualization.y_axis:
        for seg in segments if split else [None]:
            name = f"{seg} · {LABELS[metric]}" if seg is not None else LABELS[metric]
            out[name] = (metric, [[p["timestamp"] * 1000, p.get(metric)] for p in points
                                  if seg is None or p.get("segmentCode") == seg])
    return out


def _total(metric: str, values: list[float]) -> float | None:
    if not values:
        return None
    if metric in ("recCount", "sumVal"):
        return float(sum(values))
    if metric == "minVal":
        return float(min(values))
    if metric == "maxVal":
        return float(max(values))
    return float(sum(values) / len(values))


def _units(chart: ResolvedChart) -> str:
    units = {chart.visualization.unit_of(m) for m in chart.visualization.y_axis} - {None}
    return " / ".join(sorted(u for u in units if u))


def render(chart: ResolvedChart, data: dict[str, Any]) -> dict[str, Any]:
    viz = chart.visualization
    points: list[dict[str, Any]] = data.get("dataPoints", [])
    title: dict[str, Any] = {"text": viz.title or chart.chart_name, "left": "left"}
    if data.get("sampled"):
        title["subtext"] = f"downsampled to {len(points)} of {data.get('originalPoints')} points"
    option: dict[str, Any] = {
        "title": title,
        "color": viz.colors or PALETTE,
        "animation": len(points) < 5000,
        "toolbox": {"feature": {"saveAsImage": {}, "restore": {}}},
    }
    named = series_by_name(chart, points)
    if chart.chart_type == "pie":
        option.update({
            "tooltip": {"trigger": "item"},
            "legend": {"type": "scroll", "bottom": 0},
            "series": [{"type": "pie", "radius": ["35%", "65%"], "data": [
                {"name": name, "value": _total(metric, [v for _, v in values if v is not None])}
                for name, (metric, values) in named.items()]}],
        })
        return option
    if chart.chart_type == "heatmap":
        return {**option, **_heatmap(chart, points)}
    unit = _units(chart)
    kind = {"line": "line", "area": "line", "bar": "bar", "scatter": "scatter"}[chart.chart_type]
    series = []
    for i, (name, (_metric, values)) in enumerate(named.items()):
        s: dict[str, Any] = {"name": name, "type": kind, "data": values, "showSymbol": len(values) <= 60,
                             "sampling": "lttb" if kind == "line" else None}
        if chart.chart_type == "area":
            s["areaStyle"] = {"opacity": 0.25}
        if viz.stacked:
            s["stack"] = "total"
        if i == 0 and viz.thresholds:
            s["markLine"] = {"symbol": "none", "silent": True, "data": [
                {"yAxis": t.value, "name": t.label or f"threshold {t.value:g}",
                 "label": {"formatter": t.label or f"{t.value:g}"},
                 "lineStyle": {"type": "dashed", "color": t.color or SEVERITY_COLORS.get(t.severity or "", "#dc2626")}}
                for t in viz.thresholds]}
        series.append({k: v for k, v in s.items() if v is not None})
    option.update({
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "cross"}},
        "legend": {"type": "scroll", "top": 28, "data": list(named)},
        "grid": {"left": 56, "right": 24, "top": 72, "bottom": 72, "containLabel": True},
        "xAxis": {"type": "time", "name": "time (UTC)", "nameLocation": "middle", "nameGap": 28},
        "yAxis": {"type": "value", "name": unit or None, "scale": True},
        "dataZoom": [{"type": "inside"}, {"type": "slider", "bottom": 12}],
        "series": series,
    })
    return option


def _heatmap(chart: ResolvedChart, points: list[dict[str, Any]]) -> dict[str, Any]:
    metric = chart.visualization.y_axis[0]
    times = sorted({p["timestamp"] for p in points})
    segments = sorted({p.get("segmentCode") or "ALL" for p in points})
    t_index = {t: i for i, t in enumerate(times)}
    s_index = {s: i for i, s in enumerate(segments)}
    cells = [[t_index[p["timestamp"]], s_index[p.get("segmentCode") or "ALL"], p.get(metric)]
             for p in points if p.get(metric) is not None]
    values: list[float] = [float(c[2]) for c in cells if c[2] is not None]
    return {
        "tooltip": {"position": "top"},
        "grid": {"left": 80, "right": 24, "top": 60, "bottom": 80},
        "xAxis": {"type": "category", "data": [t * 1000 for t in times], "name": "time (UTC)"},
        "yAxis": {"type": "category", "data": segments, "name": "segment"},
        "visualMap": {"min": min(values, default=0), "max": max(values, default=1), "calculable": True,
                      "orient": "horizontal", "left": "center", "bottom": 8},
        "series": [{"name": LABELS[metric], "type": "heatmap", "data": cells}],
    }
