"""Time arithmetic of signals: bucket spans, calendar-month baselines, partition months."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from vigil.signals import baseline, buckets, partitions
from vigil.signals.schemas import SignalQuery


def _epoch(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


@pytest.mark.parametrize("width", [60, 300, 900, 3600, 86400])
@pytest.mark.parametrize(("start", "end"), [
    (_epoch(2027, 1, 31, 22, 13, 7), _epoch(2027, 2, 2, 3, 4, 5)),
    (_epoch(2027, 1, 1), _epoch(2027, 1, 31)),
    (_epoch(2027, 1, 1, 0, 0, 1), _epoch(2027, 1, 1, 0, 0, 59)),
    (100, 101),
])
def test_spans_tile_the_range_with_whole_rollup_rows(width, start, end):
    parts = buckets.spans(start, end, width)
    assert parts[0][1] == start and parts[-1][2] == end
    assert all(a[2] == b[1] for a, b in zip(parts, parts[1:], strict=False))  # contiguous
    for level, a, b in parts:
        if level != buckets.RAW:
            size = buckets.ROLLUP_SECONDS[level]
            assert a % size == 0 and b % size == 0 and size <= width and width % size == 0


def test_an_hour_bucket_reads_hours_in_the_middle_and_finer_rows_at_the_edges():
    start, end = _epoch(2027, 1, 1, 10, 20, 30), _epoch(2027, 1, 1, 14, 5)
    assert [p[0] for p in buckets.spans(start, end, 3600)] == ["raw", "1m", "1h", "1m"]
    assert buckets.spans(_epoch(2027, 1, 1), _epoch(2027, 1, 3), 86400) == [
        ("1d", _epoch(2027, 1, 1), _epoch(2027, 1, 3))]


def test_auto_bucket_is_the_smallest_that_fits():
    assert buckets.auto_bucket(0, 3600, 100) == "1m"
    assert buckets.auto_bucket(0, 86400, 100) == "15m"
    assert buckets.auto_bucket(0, 30 * 86400, 1000) == "1h"
    assert buckets.auto_bucket(0, 3650 * 86400, 10) == "1d"


@pytest.mark.parametrize(("now", "expected"), [
    ((2027, 3, 15, 10), (2027, 2, 15, 10)),
    ((2027, 3, 31, 10), (2027, 2, 28, 10)),   # no 31 February, not a leap year
    ((2028, 3, 31, 10), (2028, 2, 29, 10)),   # leap year
    ((2028, 3, 29, 23, 59), (2028, 2, 29, 23, 59)),
    ((2027, 5, 31, 0), (2027, 4, 30, 0)),     # 30-day month
    ((2027, 1, 31, 12), (2026, 12, 31, 12)),  # across the year
    ((2027, 7, 31, 6), (2027, 6, 30, 6)),
    ((2027, 8, 31, 6), (2027, 7, 31, 6)),     # 31 → 31
])
def test_last_month_is_a_calendar_month_clamped_to_the_shorter_month(now, expected):
    assert baseline.shift_back(_epoch(*now), "lastMonth") == _epoch(*expected)


def test_day_and_week_shifts_and_offsets_are_whole_days():
    t = _epoch(2027, 3, 1, 0, 30)
    assert baseline.shift_back(t, "yesterday") == _epoch(2027, 2, 28, 0, 30)
    assert baseline.shift_back(t, "lastWeek") == _epoch(2027, 2, 22, 0, 30)
    q = SignalQuery(loader_code="L", from_epoch=t - 3600, to_epoch=t)
    for compare in ("yesterday", "lastWeek", "lastMonth"):
        assert baseline.offset_for(q, compare) % 86400 == 0  # bucket edges line up
    assert baseline.offset_for(q, "lastMonth") == 28 * 86400  # March 1 → February 1


def test_partition_months():
    assert partitions.add_months(datetime(2027, 1, 1, tzinfo=UTC), -1) == datetime(2026, 12, 1, tzinfo=UTC)
    assert partitions.add_months(datetime(2027, 11, 1, tzinfo=UTC), 2) == datetime(2028, 1, 1, tzinfo=UTC)
    assert partitions.months_between(datetime(2026, 12, 31, 23, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC)) == [
        datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC)]
    assert partitions.partition_name(datetime(2027, 2, 1, tzinfo=UTC), "signals_rollup_1m") == \
        "signals_rollup_1m_y2027m02"
