"""The readable structural diff and the dashboard grid rules."""

from __future__ import annotations

import pytest

from vigil import errors
from vigil.dashboards import layout
from vigil.dashboards.models import GridItem
from vigil.versioning import diff

A = "11111111-1111-1111-1111-111111111111"
B = "22222222-2222-2222-2222-222222222222"


def test_diff_reports_changed_added_and_removed_paths():
    old = {"name": "Ops", "refreshSeconds": 30, "charts": [{"chartId": A, "x": 0, "w": 6}],
           "timeRange": {"from": "now-24h"}}
    new = {"name": "Ops v2", "charts": [{"chartId": A, "x": 6, "w": 6}, {"chartId": B, "x": 0, "w": 6}],
           "timeRange": {"from": "now-7d"}, "description": "night shift"}
    assert diff(old, new) == [
        {"path": f"charts.{A}.x", "op": "changed", "from": 0, "to": 6},
        {"path": f"charts.{B}", "op": "added", "from": None, "to": {"chartId": B, "x": 0, "w": 6}},
        {"path": "description", "op": "added", "from": None, "to": "night shift"},
        {"path": "name", "op": "changed", "from": "Ops", "to": "Ops v2"},
        {"path": "refreshSeconds", "op": "removed", "from": 30, "to": None},
        {"path": "timeRange.from", "op": "changed", "from": "now-24h", "to": "now-7d"},
    ]
    assert diff(new, new) == []


def _item(x, y, w, h):
    return GridItem(chart_id=A, x=x, y=y, w=w, h=h)


def test_layout_accepts_a_tiled_grid():
    layout.check([_item(0, 0, 6, 4), _item(6, 0, 6, 4), _item(0, 4, 12, 3)])


def test_layout_rejects_items_beyond_the_grid_and_overlaps():
    with pytest.raises(errors.ValidationFailed) as info:
        layout.check([_item(0, 0, 6, 4), _item(8, 0, 6, 4), _item(3, 2, 4, 4)])
    assert {d["field"] for d in info.value.details} == {"body.charts[1].w", "body.charts[2]"}
    assert any("overlaps charts[0]" in d["message"] for d in info.value.details)
