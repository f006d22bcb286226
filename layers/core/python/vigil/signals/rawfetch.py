"""Raw-mode reads in two phases, so a million points cost one round trip of two bytea blobs.

Fetching 1M rows row by row costs about a second in the driver alone. Instead:
1. *shape*: one row holding two bytea aggregates (timestamps and avgVal, 8 bytes per point,
   packed by PostgreSQL's own `*_send` functions), decoded by numpy without a Python loop;
2. LTTB picks the `limit` points to keep;
3. *points*: the full values of only those timestamps (or of the whole range when the series
   is short enough), again packed as bytea columns.
Aggregates do not promise an input order, so the decoded columns are sorted by time here.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import numpy as np

from vigil.db import Database, Session
from vigil.signals import lttb
from vigil.signals.repository import Series, segment_count

_PG_EPOCH_OFFSET = 946_684_800  # binary timestamptz counts microseconds from 2000-01-01 UTC
_WHERE = "loader_code = %(loader)s AND load_time_stamp >= %(a)s AND load_time_stamp < %(b)s"


def _source(*, segment: str | None, combined: bool, only_selected: bool) -> str:
    """Rows (t, rec, avg, sum, min, max) of one series, as a FROM item."""
    where = _WHERE + (" AND segment_code = %(seg)s" if segment is not None else "")
    # The kept timestamps join as a set (one index probe each); `= ANY(array)` with thousands
    # of elements makes the planner fall back to scanning the whole range.
    table = ("unnest(%(at)s::timestamptz[]) AS sel(at) JOIN signals_history ON load_time_stamp = sel.at"
             if only_selected else "signals_history")
    if combined:
        return (f"(SELECT load_time_stamp AS t, sum(rec_count)::int8 AS rec, avg(avg_val) AS avg, "
                f"sum(sum_val) AS sum, min(min_val) AS min, max(max_val) AS max FROM {table} "
                f"WHERE {where} GROUP BY load_time_stamp) src")
    return (f"(SELECT load_time_stamp AS t, rec_count AS rec, avg_val AS avg, sum_val AS sum, "
            f"min_val AS min, max_val AS max FROM {table} WHERE {where}) src")


def _f8(column: str) -> str:
    return f"string_agg(float8send(coalesce({column}, 'NaN')), ''::bytea)"


def _ts(raw: bytes | None) -> np.ndarray:
    if not raw:
        return np.empty(0, dtype=np.int64)
    return np.frombuffer(raw, dtype=">i8").astype(np.int64) // 1_000_000 + _PG_EPOCH_OFFSET


def _floats(raw: bytes | None) -> np.ndarray:
    return np.frombuffer(raw, dtype=">f8").astype(np.float64) if raw else np.empty(0)


def fetch(
    s: Session, *, loader_code: str, segments: list[str] | None, start: int, end: int,
    limit: int, cap: int, db: Database | None = None,
) -> tuple[list[Series], int]:
    """Series of raw mode, each already reduced to `limit` points; plus the original count.

    With `db`, the shape of a long range is read as two halves on two connections at once
    (one per core): the scan of a million rows is most of a raw query's time.
    Raises OverflowError when a series holds more than `cap` points.
    """
    params: dict[str, Any] = {"loader": loader_code, "a": datetime.fromtimestamp(start, UTC),
                              "b": datetime.fromtimestamp(end, UTC)}
    plan: list[tuple[str | None, bool]]
    if segments is not None:
        plan = [(seg, False) for seg in segments]
    else:
        plan = [(None, segment_count(s, loader_code=loader_code, start=start, end=end) > 1)]
    out: list[Series] = []
    original = 0
    for seg, combined in plan:
        p = {**params, "seg": seg}
        src = _source(segment=seg, combined=combined, only_selected=False)
        row = _shape(s, db, src, p, start=start, end=end)
        ts = _ts(row[0] if row else None)
        if len(ts) == 0:
            continue
        if len(ts) > cap:
            raise OverflowError(len(ts))
        original += len(ts)
        selected = None
        if len(ts) > limit:
            assert row is not None
            y = _floats(row[1])
            if np.isnan(y).all():  # no avgVal anywhere: judge the shape on recCount
                again = s.fetch_one_binary(
                    f"SELECT string_agg(timestamptz_send(t), ''::bytea), {_f8('rec::float8')} FROM {src}", p)
                assert again is not None
                ts, y = _ts(again[0]), _floats(again[1])
            if not _is_sorted(ts):
                order = np.argsort(ts, kind="stable")
                ts, y = ts[order], y[order]
            selected = ts[lttb.select(ts.astype(np.float64), y, limit)]
        out.append(_points(s, p, segment=seg, combined=combined, selected=selected))
    return out, original


PARALLEL_FROM_SECONDS = 2 * 86400  # shorter ranges are cheap enough on one connection


def _shape(s: Session, db: Database | None, src: str, params: dict[str, Any], *, start: int,
           end: int) -> tuple[Any, ...] | None:
    """(timestamps, avgVal) of a range as two packed bytea columns."""
    sql = f"SELECT string_agg(timestamptz_send(t), ''::bytea), {_f8('avg')} FROM {src}"
    if db is None or end - start < PARALLEL_FROM_SECONDS:
        return s.fetch_one_binary(sql, params)
    middle = datetime.fromtimestamp(start + (end - start) // 2, UTC)
    halves = [{**params, "b": middle}, {**params, "a": middle}]

    def read(p: dict[str, Any]) -> tuple[Any, ...] | None:
        with db.session() as other:
            return other.fetch_one_binary(sql, p)

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(read, halves)
    return tuple(b"".join(part[i] or b"" for part in (first, second) if part) for i in range(2))


def _points(s: Session, params: dict[str, Any], *, segment: str | None, combined: bool,
            selected: np.ndarray | None) -> Series:
    if selected is not None:
        params = {**params, "at": [datetime.fromtimestamp(int(t), UTC) for t in selected]}
    row = s.fetch_one_binary(
        f"SELECT string_agg(timestamptz_send(t), ''::bytea), string_agg(int8send(rec), ''::bytea), "
        f"{_f8('avg')}, {_f8('sum')}, {_f8('min')}, {_f8('max')} FROM "
        f"{_source(segment=segment, combined=combined, only_selected=selected is not None)}",
        params,
    )
    assert row is not None
    ts = _ts(row[0])
    rec = np.frombuffer(row[1], dtype=">i8").astype(np.int64) if row[1] else np.empty(0, dtype=np.int64)
    series = Series(segment, ts, rec, *(_floats(v) for v in row[2:6]))
    return series if _is_sorted(ts) else series.take(np.argsort(ts, kind="stable"))


def _is_sorted(ts: np.ndarray) -> bool:
    return bool(np.all(ts[1:] > ts[:-1]))
