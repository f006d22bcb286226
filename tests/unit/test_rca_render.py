"""The RCA renderer on plain input: the PDF opens, has every section, and the chart pages
show the series, the threshold and the firing window (rendered to pixels with pdftoppm)."""

from __future__ import annotations

import math
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from PIL import Image

from vigil.reports import axes, pdf
from vigil.reports.chartsource import mark_alerts
from vigil.reports.models import AlertRow, ChartData, Marker, ReportContent, Series, TimelineRow, Window

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
E0 = T0.timestamp()
BLUE = (37, 99, 235)
PINK = (254, 226, 226)


def _chart(i: int, n: int = 500) -> ChartData:
    pts = [(E0 + k * 20, 50 + 30 * math.sin(k / 40 + i)) for k in range(n)]
    return ChartData(chart_id=f"c{i}", title=f"Rows per run {i}", unit="rows", series=[Series("avg", pts)],
                     from_epoch=E0, to_epoch=E0 + n * 20, thresholds=[Marker(70, "rule threshold 70")],
                     windows=[Window(E0 + 3000, E0 + 5000, "row drop firing")])


def _content(charts: list[ChartData]) -> ReportContent:
    incident = {"id": "i-1", "number": 7, "title": "Row count drop → ledger “load”", "description": "d",
                "severity": "CRITICAL", "status": "RESOLVED", "loader_code": "LEDGER", "assignee": "alice",
                "source": "grouping", "created_by": "grouping", "created_at": T0,
                "acknowledged_at": T0 + timedelta(minutes=5), "resolved_at": T0 + timedelta(hours=2),
                "resolution_note": "connection pool exhausted", "external_ticket": None}
    return ReportContent(
        incident=incident, generated_at=T0 + timedelta(hours=3), generated_by="alice", range_from=T0,
        range_to=T0 + timedelta(hours=3),
        timeline=[TimelineRow(T0, "grouping", "Incident opened from 3 grouped alert(s)"),
                  TimelineRow(T0 + timedelta(minutes=5), "alice", "Status NEW → INVESTIGATING")],
        alerts=[AlertRow("a1", "row count drop", "CRITICAL", T0, None, 3.0, 10.0)],
        charts=charts, investigation_notes=["checked the pool metrics"], extra_notes="Team review on Monday.",
        root_cause="", recommendations=["Raise the pool size to 50"])


def _pdf_text(data: bytes, tmp: Path) -> str:
    path = tmp / "r.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _pages(data: bytes, tmp: Path) -> list[np.ndarray]:
    path = tmp / "p.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(tmp / "page")], check=True)
    return [np.asarray(Image.open(p).convert("RGB"), dtype=np.int16) for p in sorted(tmp.glob("page-*.png"))]


def _near(image: np.ndarray, color: tuple[int, int, int], tol: int = 40) -> np.ndarray:
    return (np.abs(image - np.array(color)).sum(axis=2) < tol)


def test_the_pdf_has_every_section_and_the_texts(tmp_path):
    data = pdf.render(_content([_chart(0), _chart(1)]))
    assert data.startswith(b"%PDF-")
    text = _pdf_text(data, tmp_path)
    for section in ("ROOT CAUSE ANALYSIS", "1. Executive summary", "2. Timeline", "3. Charts",
                    "4. Investigation notes", "5. Root cause", "6. Recommendations", "7. Related alerts"):
        assert section in text
    assert "Row count drop -> ledger \"load\"" in text  # typographic characters survive as ASCII
    assert "CRITICAL" in text and "alice" in text
    assert "Rows per run 0" in text and "Rows per run 1" in text
    assert "connection pool exhausted" in text  # the resolution note is the default root cause
    assert "checked the pool metrics" in text and "Team review on Monday." in text
    assert "Raise the pool size to 50" in text
    assert "Status NEW -> INVESTIGATING" in text
    assert "time (UTC)" in text and "rule threshold 70" in text and "alert firing" in text


def test_chart_pages_render_with_series_threshold_and_firing_window(tmp_path):
    pages = _pages(pdf.render(_content([_chart(0), _chart(1)])), tmp_path)
    cover = pages[0]
    assert _near(cover, BLUE).sum() == 0  # no chart on the cover
    chart_page = max(pages, key=lambda p: _near(p, BLUE).sum())
    blue, pink = _near(chart_page, BLUE), _near(chart_page, PINK, tol=12)
    assert blue.sum() > 300  # the series is drawn
    assert pink.sum() > 500  # the firing window is shaded
    red = _near(chart_page, (220, 38, 38), tol=60)
    assert red.sum() > 50  # the dashed threshold line
    # the series spans the plot horizontally
    cols = np.where(blue.any(axis=0))[0]
    assert cols.max() - cols.min() > chart_page.shape[1] * 0.6


def test_a_report_without_charts_or_alerts_still_renders(tmp_path):
    content = _content([])
    content.alerts = []
    text = _pdf_text(pdf.render(content), tmp_path)
    assert "No charts were selected" in text and "No alerts are linked" in text


def test_a_chart_without_data_says_so(tmp_path):
    empty = ChartData(chart_id="e", title="Empty chart", unit="", series=[Series("avg", [])],
                      from_epoch=E0, to_epoch=E0 + 3600)
    text = _pdf_text(pdf.render(_content([empty])), tmp_path)
    assert "Empty chart" in text and "No data in this time range" in text


def test_alerts_mark_their_chart_only():
    chart = _chart(0)
    alert = AlertRow("a1", "row drop", "HIGH", T0 + timedelta(minutes=10), T0 + timedelta(minutes=30), 3.0, 12.5)
    other = AlertRow("a2", "other", "HIGH", T0, None, 3.0, 99.0)
    marked = mark_alerts(chart, [(alert, "c0", "L"), (other, "c9", "L")])
    assert [m.label for m in marked.thresholds] == ["rule threshold 70", "row drop threshold 12.5"]
    assert marked.windows[-1].start == (T0 + timedelta(minutes=10)).timestamp()
    assert marked.windows[-1].end == (T0 + timedelta(minutes=30)).timestamp()
    # an alert without a chart id marks the charts of its loader
    by_loader = mark_alerts(chart, [(other.__class__("a3", "r", "HIGH", T0, None, 1.0, 5.0), None, "L")],
                            loader_code="L")
    assert by_loader.thresholds[-1].value == 5.0


def test_axes_are_round():
    assert axes.nice_range(3.2, 97.1) == (0, 100, 20)
    assert axes.nice_range(0.013, 0.048)[2] == 0.01
    lo, hi, step = axes.nice_range(5, 5)
    assert lo < 5 < hi
    ticks = axes.time_ticks(E0 + 17, E0 + 3 * 3600)
    assert all(t % 1800 == 0 for t in ticks) and 3 <= len(ticks) <= 7
    assert axes.time_label(E0, 3600) == "12:00"
    assert axes.value_label(25000, 5000) == "25k" and axes.value_label(0.25, 0.05) == "0.25"


def test_the_time_range_takes_epoch_seconds_or_iso_times():
    import pytest
    from pydantic import ValidationError

    from vigil.reports.schemas import ReportTimeRange as TimeRange

    assert TimeRange.model_validate({"from": 100, "to": 200}).from_ == 100
    iso = TimeRange.model_validate({"from": "2026-03-01T12:00:00Z", "to": "2026-03-01T13:00:00+00:00"})
    assert (iso.from_, iso.to) == (int(E0), int(E0) + 3600)
    with pytest.raises(ValidationError):
        TimeRange.model_validate({"from": "yesterday", "to": 5})
    with pytest.raises(ValidationError):
        TimeRange.model_validate({"from": 200, "to": 100})
