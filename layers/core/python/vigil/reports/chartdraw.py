"""Draw one time-series chart with fpdf2 primitives (lines, rects, text): frame, grid, time
and value axes with labels and unit, the series, threshold lines, shaded firing windows and a
legend. Long series are thinned with LTTB so a page stays light and fast."""

from __future__ import annotations

from typing import Any

import numpy as np

from vigil.reports import axes
from vigil.reports.models import ChartData
from vigil.reports.text import latin
from vigil.signals import lttb

PALETTE = [(37, 99, 235), (22, 163, 74), (217, 119, 6), (124, 58, 237), (8, 145, 178), (219, 39, 119)]
GRID = (226, 232, 240)
AXIS = (100, 116, 139)
INK = (30, 41, 59)
WINDOW_FILL = (254, 226, 226)
MAX_POINTS = 800  # per series: more than a 180 mm wide plot can show


def draw(pdf: Any, chart: ChartData, *, x: float, y: float, w: float, h: float) -> None:
    """Draw `chart` in the box (x, y, w, h) in mm; the title sits at the top of the box."""
    pdf.set_text_color(*INK)
    pdf.set_font("Helvetica", "B", 10.5)
    pdf.text(x, y + 4, latin(chart.title))
    pdf.set_font("Helvetica", "", 7.5)
    pdf.set_text_color(*AXIS)
    if chart.subtitle:
        pdf.text(x, y + 8, latin(chart.subtitle))
    legend_h = 8.0
    left, top = x + 14, y + 12
    plot_w, plot_h = w - 16, h - 12 - legend_h - 9
    t0, t1 = chart.from_epoch, chart.to_epoch
    values = [v for s in chart.series for _, v in s.points if v is not None]
    values += [m.value for m in chart.thresholds]
    lo, hi, step = axes.nice_range(min(values, default=0.0), max(values, default=1.0))

    def px(t: float) -> float:
        return left + (t - t0) / (t1 - t0) * plot_w

    def py(v: float) -> float:
        return top + plot_h - (v - lo) / (hi - lo) * plot_h

    # firing windows under everything else
    pdf.set_fill_color(*WINDOW_FILL)
    for win in chart.windows:
        a, b = max(win.start, t0), min(win.end, t1)
        if b > a:
            pdf.rect(px(a), top, max(0.4, px(b) - px(a)), plot_h, style="F")
    pdf.set_font("Helvetica", "", 6)
    pdf.set_text_color(185, 28, 28)
    for win in chart.windows:
        if t0 <= win.start < t1:
            pdf.text(px(win.start) + 0.8, top + 2.6, latin(win.label))
    pdf.set_text_color(*AXIS)
    # grid and value axis
    pdf.set_line_width(0.15)
    pdf.set_draw_color(*GRID)
    pdf.set_font("Helvetica", "", 6.5)
    for v in axes.value_ticks(lo, hi, step):
        pdf.line(left, py(v), left + plot_w, py(v))
        label = axes.value_label(v, step)
        pdf.text(left - 1.5 - pdf.get_string_width(label), py(v) + 1.1, label)
    # time axis
    span = t1 - t0
    for t in axes.time_ticks(t0, t1):
        pdf.set_draw_color(*GRID)
        pdf.line(px(t), top, px(t), top + plot_h)
        pdf.set_draw_color(*AXIS)
        pdf.line(px(t), top + plot_h, px(t), top + plot_h + 1.2)
        label = axes.time_label(t, span)
        pdf.text(px(t) - pdf.get_string_width(label) / 2, top + plot_h + 4, label)
    pdf.set_draw_color(*GRID)
    pdf.rect(left, top, plot_w, plot_h, style="D")
    pdf.set_draw_color(*AXIS)
    pdf.set_line_width(0.25)
    pdf.line(left, top, left, top + plot_h)
    pdf.line(left, top + plot_h, left + plot_w, top + plot_h)
    # unit on the value axis, UTC note on the time axis
    if chart.unit:
        with pdf.rotation(90, x + 2.5, top + plot_h / 2):
            label = latin(chart.unit)
            pdf.text(x + 2.5 - pdf.get_string_width(label) / 2, top + plot_h / 2, label)
    pdf.text(left + plot_w - pdf.get_string_width("time (UTC)"), top + plot_h + 7.5, "time (UTC)")
    # series
    pdf.set_line_width(0.45)
    for i, series in enumerate(chart.series):
        pdf.set_draw_color(*PALETTE[i % len(PALETTE)])
        for run in _runs(series.points, t0, t1):
            pdf.polyline([(px(t), py(v)) for t, v in run], style="D")
    if not any(v is not None for s in chart.series for _, v in s.points):
        pdf.set_font("Helvetica", "I", 9)
        pdf.set_text_color(*AXIS)
        message = "No data in this time range"
        pdf.text(left + (plot_w - pdf.get_string_width(message)) / 2, top + plot_h / 2, message)
    # thresholds
    pdf.set_line_width(0.35)
    for marker in chart.thresholds:
        if lo <= marker.value <= hi:
            pdf.set_draw_color(*marker.color)
            pdf.set_dash_pattern(dash=1.6, gap=1.0)
            pdf.line(left, py(marker.value), left + plot_w, py(marker.value))
            pdf.set_dash_pattern()
    _legend(pdf, chart, x=left, y=top + plot_h + 10, w=plot_w)


def _runs(points: list[tuple[float, float | None]], t0: float, t1: float) -> list[list[tuple[float, float]]]:
    """Visible, gap-free runs of points, each thinned with LTTB when long."""
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for t, v in sorted(p for p in points if t0 <= p[0] <= t1):
        if v is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((t, float(v)))
    if current:
        runs.append(current)
    thinned = []
    for run in runs:
        if len(run) > MAX_POINTS:
            arr = np.asarray(run, dtype=np.float64)
            run = [run[int(i)] for i in lttb.select(arr[:, 0], arr[:, 1], MAX_POINTS)]
        if len(run) == 1:
            run = [run[0], run[0]]
        thinned.append(run)
    return thinned


def _legend(pdf: Any, chart: ChartData, *, x: float, y: float, w: float) -> None:
    pdf.set_font("Helvetica", "", 7)
    pdf.set_text_color(*INK)
    cursor = x
    entries: list[tuple[str, str, tuple[int, int, int]]] = [
        ("line", s.name, PALETTE[i % len(PALETTE)]) for i, s in enumerate(chart.series)]
    entries += [("dash", m.label, m.color) for m in chart.thresholds]
    if chart.windows:
        entries.append(("box", "alert firing", WINDOW_FILL))
    for kind, label, color in entries:
        text = latin(label)
        width = 8 + pdf.get_string_width(text) + 5
        if cursor + width > x + w:
            break
        if kind == "box":
            pdf.set_fill_color(*color)
            pdf.rect(cursor, y - 2.2, 6, 2.8, style="F")
        else:
            pdf.set_draw_color(*color)
            pdf.set_line_width(0.6 if kind == "line" else 0.35)
            if kind == "dash":
                pdf.set_dash_pattern(dash=1.2, gap=0.8)
            pdf.line(cursor, y - 0.8, cursor + 6, y - 0.8)
            pdf.set_dash_pattern()
        pdf.text(cursor + 7.5, y, text)
        cursor += width
