"""SQL reads of signals: bucketed aggregates over rollups + raw edges, raw series, versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from vigil.db import Row, Session
from vigil.signals import buckets, rollups

FIELDS = rollups.FIELDS  # max_val, min_val, avg_val, sum_val


def _ts(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _source_columns(aggregation: str) -> list[str]:
    stats = {"avg": ("sum", "cnt"), "sum": ("sum", "cnt"), "min": ("min",), "max": ("max",)}
    return [f"{f}_{st}" for f in FIELDS for st in stats[aggregation]]


def _raw_as_stat(column: str) -> str:
    field, stat = column.rsplit("_", 1)
    return f"({field} IS NOT NULL)::int" if stat == "cnt" else field


def _final(field: str, aggregation: str) -> str:
    if aggregation == "avg":
        return f"sum({field}_sum) / NULLIF(sum({field}_cnt), 0)"
    if aggregation == "sum":
        return f"CASE WHEN sum({field}_cnt) > 0 THEN sum({field}_sum) END"
    return f"{aggregation}({field}_{aggregation})"


def aggregate(
    s: Session, *, loader_code: str, segments: list[str] | None, start: int, end: int,
    bucket_seconds: int, aggregation: str,
) -> list[Row]:
    """Buckets over [start, end): rows of ts, [segment_code], rec_count and the four values.

    Split (segments given) → one row per (segment, bucket) ordered by segment then time;
    combined → one row per bucket across every segment. Buckets without points are absent.
    """
    cols = _source_columns(aggregation)
    params: dict[str, Any] = {"loader": loader_code, "segments": segments,
                              "width": f"{bucket_seconds} seconds"}
    seg_filter = "AND segment_code = ANY(%(segments)s)" if segments else ""
    parts = []
    for i, (level, a, b) in enumerate(buckets.spans(start, end, bucket_seconds)):
        params[f"a{i}"], params[f"b{i}"] = _ts(a), _ts(b)
        if level == buckets.RAW:
            exprs = ", ".join(f"{_raw_as_stat(c)} AS {c}" for c in cols)
            parts.append(
                f"SELECT segment_code, load_time_stamp AS t, 1 AS points, rec_count, {exprs} "
                f"FROM signals_history WHERE loader_code = %(loader)s {seg_filter} "
                f"AND load_time_stamp >= %(a{i})s AND load_time_stamp < %(b{i})s"
            )
        else:
            table = rollups.BY_NAME[level].table
            parts.append(
                f"SELECT segment_code, bucket_start AS t, points, rec_count, {', '.join(cols)} "
                f"FROM {table} WHERE loader_code = %(loader)s {seg_filter} "
                f"AND bucket_start >= %(a{i})s AND bucket_start < %(b{i})s"
            )
    if not parts:
        return []
    split = segments is not None
    group = "segment_code, bucket" if split else "bucket"
    values = ", ".join(f"{_final(f, aggregation)} AS {f}" for f in FIELDS)
    sql = (
        f"SELECT extract(epoch FROM bucket)::bigint AS ts, {'segment_code, ' if split else ''}"
        f"sum(rec_count)::bigint AS rec_count, {values} FROM ("
        f"SELECT date_bin(%(width)s::interval, t, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket, * "
        f"FROM ({' UNION ALL '.join(parts)}) src) b GROUP BY {group} ORDER BY {group}"
    )
    return s.fetch_all(sql, params)


@dataclass
class Series:
    """One series as columns: epoch seconds, rec_count, and the four values (NaN = null)."""

    segment_code: str | None
    ts: np.ndarray
    rec_count: np.ndarray
    avg_val: np.ndarray
    sum_val: np.ndarray
    min_val: np.ndarray
    max_val: np.ndarray

    def __len__(self) -> int:
        return len(self.ts)

    def take(self, idx: np.ndarray) -> Series:
        return Series(self.segment_code, *(getattr(self, c)[idx] for c in _SERIES_COLUMNS))


_SERIES_COLUMNS = ("ts", "rec_count", "avg_val", "sum_val", "min_val", "max_val")


def to_series(rows: list[Row], *, split: bool) -> list[Series]:
    """Aggregate rows (ordered by segment then time when split) as column series."""
    groups: list[list[Row]] = []
    current: object = object()
    for r in rows:
        key = r["segment_code"] if split else None
        if not groups or key != current:
            groups.append([])
            current = key
        groups[-1].append(r)
    return [
        Series(
            g[0]["segment_code"] if split else None,
            np.array([r["ts"] for r in g], dtype=np.int64),
            np.array([r["rec_count"] or 0 for r in g], dtype=np.int64),
            *(np.array([r[c] for r in g], dtype=np.float64) for c in ("avg_val", "sum_val", "min_val", "max_val")),
        )
        for g in groups
    ]


def segment_count(s: Session, *, loader_code: str, start: int, end: int) -> int:
    """How many segments of the loader have points overlapping [start, end)."""
    return int(s.scalar(
        "SELECT count(*) FROM signals_series WHERE loader_code = %s AND first_ts < %s AND last_ts >= %s",
        (loader_code, _ts(end), _ts(start)),
    ) or 0)


def raw_rows(s: Session, *, loader_code: str, start: int, end: int, cap: int) -> list[Row]:
    """Stored rows of every segment in [start, end), by time then segment (the raw read API)."""
    return s.fetch_all(
        "SELECT extract(epoch FROM load_time_stamp)::bigint AS ts, segment_code, rec_count, max_val, "
        "min_val, avg_val, sum_val FROM signals_history WHERE loader_code = %s "
        "AND load_time_stamp >= %s AND load_time_stamp < %s "
        "ORDER BY load_time_stamp, segment_code LIMIT %s",
        (loader_code, _ts(start), _ts(end), cap + 1),
    )


def version(s: Session, loader_code: str) -> int:
    """The loader's data version (0 before its first point)."""
    return int(s.scalar("SELECT version FROM signals_versions WHERE loader_code = %s", (loader_code,)) or 0)
