"""Baselines for alerting and chart overlays: the same query one day, one week or one
**calendar** month earlier, returned on the current window's timestamps.

A calendar month is not 30 days: 15 Mar 10:00 compares with 15 Feb 10:00, and a day the
previous month lacks is clamped to its last day (31 Mar → 28 Feb, or 29 Feb in a leap year;
31 May → 30 Apr). The shift is decided at the window's end (the "now" of an alert rule) and
applied to the whole window, so the baseline has the same length and its points move forward
by one constant offset. Offsets are whole days in UTC, so bucket boundaries line up too.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Literal

from pydantic import Field

from vigil.db import Database
from vigil.redis import Store
from vigil.signals import query
from vigil.signals.schemas import QueryResult, SignalQuery, TimeRange

CompareTo = Literal["yesterday", "lastWeek", "lastMonth"]


class BaselineQuery(SignalQuery):
    compare_to: CompareTo = Field(description="yesterday | lastWeek | lastMonth (calendar month)")


class BaselineResult(QueryResult):
    compare_to: CompareTo
    offset_seconds: int = Field(description="added to every baseline timestamp")
    baseline_range: TimeRange = Field(description="the range actually read")


def shift_back(epoch: int, compare_to: CompareTo) -> int:
    """The instant that `epoch` compares with."""
    if compare_to == "yesterday":
        return epoch - 86400
    if compare_to == "lastWeek":
        return epoch - 7 * 86400
    dt = datetime.fromtimestamp(epoch, UTC)
    year, month = (dt.year - 1, 12) if dt.month == 1 else (dt.year, dt.month - 1)
    day = min(dt.day, calendar.monthrange(year, month)[1])
    return int(dt.replace(year=year, month=month, day=day).timestamp())


def offset_for(q: SignalQuery, compare_to: CompareTo) -> int:
    return q.to_epoch - shift_back(q.to_epoch, compare_to)


def run(*, db: Database, store: Store | None, q: SignalQuery, compare_to: CompareTo,
        now: float | None = None) -> BaselineResult:
    """The baseline of `q`, aligned to q's window (timestamps inside [from, to])."""
    offset = offset_for(q, compare_to)
    fields = q.model_dump(exclude={"compare_to"})
    fields.update(from_epoch=max(0, q.from_epoch - offset), to_epoch=q.to_epoch - offset)
    shifted = SignalQuery(**fields)
    result = query.run(db=db, store=store, q=shifted, now=now)
    points = [p.model_copy(update={"timestamp": p.timestamp + offset}) for p in result.data_points]
    return BaselineResult(
        **{k: v for k, v in result.__dict__.items() if k not in ("time_range", "data_points")},
        time_range=TimeRange(**{"from": q.from_epoch, "to": q.to_epoch}),
        data_points=points,
        compare_to=compare_to,
        offset_seconds=offset,
        baseline_range=TimeRange(**{"from": shifted.from_epoch, "to": shifted.to_epoch}),
    )
