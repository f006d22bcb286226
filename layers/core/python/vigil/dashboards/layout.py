"""Grid rules: every chart inside the 12 columns, no two overlapping."""

from __future__ import annotations

from vigil import errors
from vigil.dashboards.models import GRID_COLUMNS, GridItem


def check(items: list[GridItem]) -> None:
    problems = []
    for i, item in enumerate(items):
        if item.x + item.w > GRID_COLUMNS:
            problems.append({"field": f"body.charts[{i}].w",
                             "message": f"x + w = {item.x + item.w} is beyond the {GRID_COLUMNS} grid columns"})
    for i, a in enumerate(items):
        for j in range(i):
            b = items[j]
            if a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h:
                problems.append({"field": f"body.charts[{i}]", "message": f"overlaps charts[{j}]"})
    if problems:
        raise errors.ValidationFailed("the dashboard layout is not valid", details=problems)
