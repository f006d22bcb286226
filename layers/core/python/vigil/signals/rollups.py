"""Rollup tables (1m, 1h, 1d) and the SQL that keeps them equal to the raw rows.

Every rollup row holds, per value field, sum / count of non-null values / min / max, plus the
number of raw points and the sum of rec_count. Any coarser aggregate is then exact:
avg = sum(sum) / sum(count) (never an average of averages), min of mins, max of maxes.

Maintenance (called by `vigil.signals.ingest` only):
- points that are new are *added* to their buckets (sums and counts add, min/max widen);
- points that replace an existing row with different values make their buckets *dirty*:
  those buckets are recomputed from the level below (1m from raw rows, 1h from 1m,
  1d from 1h), because a min or max cannot be "un-applied".
"""

from __future__ import annotations

from dataclasses import dataclass

FIELDS = ("max_val", "min_val", "avg_val", "sum_val")
STATS = ("sum", "cnt", "min", "max")
STAT_COLUMNS = ("points", "rec_count", *(f"{f}_{s}" for f in FIELDS for s in STATS))
KEY = ("loader_code", "segment_code", "bucket_start")


@dataclass(frozen=True)
class Level:
    name: str  # "1m", "1h", "1d"
    table: str
    seconds: int
    trunc: str  # date_trunc unit


LEVELS = (
    Level("1m", "signals_rollup_1m", 60, "minute"),
    Level("1h", "signals_rollup_1h", 3600, "hour"),
    Level("1d", "signals_rollup_1d", 86400, "day"),
)
BY_NAME = {lv.name: lv for lv in LEVELS}


def from_raw_exprs(alias: str = "") -> list[str]:
    """Aggregate expressions over raw rows, in STAT_COLUMNS order."""
    p = f"{alias}." if alias else ""
    out = ["count(*)", f"sum({p}rec_count)"]
    for f in FIELDS:
        out += [f"coalesce(sum({p}{f}), 0)", f"count({p}{f})", f"min({p}{f})", f"max({p}{f})"]
    return out


def from_rollup_exprs(alias: str = "") -> list[str]:
    """Aggregate expressions over rollup rows, in STAT_COLUMNS order."""
    p = f"{alias}." if alias else ""
    out = [f"sum({p}points)", f"sum({p}rec_count)"]
    for f in FIELDS:
        out += [f"sum({p}{f}_sum)", f"sum({p}{f}_cnt)", f"min({p}{f}_min)", f"max({p}{f}_max)"]
    return out


def _merge_set(table_alias: str) -> str:
    """ON CONFLICT assignments adding EXCLUDED's contribution to the stored row."""
    parts = []
    for c in STAT_COLUMNS:
        if c.endswith("_min"):
            parts.append(f"{c} = least({table_alias}.{c}, EXCLUDED.{c})")
        elif c.endswith("_max"):
            parts.append(f"{c} = greatest({table_alias}.{c}, EXCLUDED.{c})")
        else:
            parts.append(f"{c} = {table_alias}.{c} + EXCLUDED.{c}")
    return ", ".join(parts)


def _replace_set() -> str:
    return ", ".join(f"{c} = EXCLUDED.{c}" for c in STAT_COLUMNS)


_COLS = ", ".join((*KEY, *STAT_COLUMNS))


def minute_aggregate(source: str) -> str:
    """SELECT aggregating raw rows of `source` per (loader, segment, minute), with the first
    and last timestamp of each group (for the series spans)."""
    stats = ", ".join(f"{e} AS {c}" for e, c in zip(from_raw_exprs(), STAT_COLUMNS, strict=True))
    return (
        f"SELECT loader_code, segment_code, date_trunc('minute', load_time_stamp, 'UTC') AS bucket_start, "
        f"min(load_time_stamp) AS first_ts, max(load_time_stamp) AS last_ts, {stats} "
        f"FROM {source} GROUP BY 1, 2, 3"
    )


def coarsen(level: Level, source: str) -> str:
    """SELECT regrouping the aggregate rows of `source` into `level`'s buckets."""
    stats = ", ".join(f"{e} AS {c}" for e, c in zip(from_rollup_exprs(), STAT_COLUMNS, strict=True))
    return (
        f"SELECT loader_code, segment_code, date_trunc('{level.trunc}', bucket_start, 'UTC') AS bucket_start, "
        f"min(first_ts) AS first_ts, max(last_ts) AS last_ts, {stats} FROM {source} GROUP BY 1, 2, 3"
    )


def merge_into(level: Level, source: str) -> str:
    """INSERT adding the aggregate rows of `source` (new points only) into `level`."""
    return (
        f"INSERT INTO {level.table} AS r ({_COLS}) SELECT {_COLS} FROM {source} "
        f"ON CONFLICT (loader_code, segment_code, bucket_start) DO UPDATE SET {_merge_set('r')}"
    )


def recompute_sql(level: Level, dirty_table: str) -> str:
    """Recompute `level`'s buckets listed in `dirty_table` (minute starts) from the level below.

    Replacing a point never removes one, so every dirty bucket still has rows: an upsert that
    overwrites every statistic is enough.
    """
    idx = LEVELS.index(level)
    if idx == 0:
        src = (
            f"SELECT h.loader_code, h.segment_code, d.minute, {', '.join(from_raw_exprs('h'))} "
            f"FROM (SELECT DISTINCT loader_code, segment_code, minute FROM {dirty_table}) d "
            f"JOIN signals_history h ON h.loader_code = d.loader_code "
            f"AND h.segment_code = d.segment_code AND h.load_time_stamp >= d.minute "
            f"AND h.load_time_stamp < d.minute + interval '1 minute' "
            f"WHERE h.load_time_stamp >= %(lo)s AND h.load_time_stamp < %(hi)s "
            f"GROUP BY 1, 2, 3"
        )
    else:
        below = LEVELS[idx - 1]
        src = (
            f"SELECT b.loader_code, b.segment_code, d.bucket, {', '.join(from_rollup_exprs('b'))} "
            f"FROM (SELECT DISTINCT loader_code, segment_code, "
            f"date_trunc('{level.trunc}', minute, 'UTC') AS bucket FROM {dirty_table}) d "
            f"JOIN {below.table} b ON b.loader_code = d.loader_code "
            f"AND b.segment_code = d.segment_code AND b.bucket_start >= d.bucket "
            f"AND b.bucket_start < d.bucket + interval '{level.seconds} seconds' "
            f"GROUP BY 1, 2, 3"
        )
    return (
        f"INSERT INTO {level.table} ({_COLS}) {src} "
        f"ON CONFLICT (loader_code, segment_code, bucket_start) DO UPDATE SET {_replace_set()}"
    )


def rebuild_statements() -> list[str]:
    """Recompute every rollup row of one loader (`%(loader)s`) from its raw rows: the repair
    and bulk-load path (rows written to signals_history by other means, e.g. generate_series).
    Run in one transaction holding the loader's ingest lock. Series spans come out widened
    to whole minutes, which only ever makes a raw query take the cross-segment path."""
    out = [f"DELETE FROM {lv.table} WHERE loader_code = %(loader)s" for lv in LEVELS]
    raw = ", ".join(from_raw_exprs())
    roll = ", ".join(from_rollup_exprs())
    out.append(
        f"INSERT INTO {LEVELS[0].table} ({_COLS}) SELECT loader_code, segment_code, "
        f"date_trunc('minute', load_time_stamp, 'UTC'), {raw} FROM signals_history "
        f"WHERE loader_code = %(loader)s GROUP BY 1, 2, 3"
    )
    for below, level in zip(LEVELS, LEVELS[1:], strict=False):
        out.append(
            f"INSERT INTO {level.table} ({_COLS}) SELECT loader_code, segment_code, "
            f"date_trunc('{level.trunc}', bucket_start, 'UTC'), {roll} FROM {below.table} "
            f"WHERE loader_code = %(loader)s GROUP BY 1, 2, 3"
        )
    out.append("DELETE FROM signals_series WHERE loader_code = %(loader)s")
    out.append(
        "INSERT INTO signals_series (loader_code, segment_code, first_ts, last_ts) "
        "SELECT loader_code, segment_code, min(bucket_start), max(bucket_start) + interval '59 seconds' "
        "FROM signals_rollup_1m WHERE loader_code = %(loader)s GROUP BY 1, 2"
    )
    out.append(
        "INSERT INTO signals_versions AS v (loader_code) VALUES (%(loader)s) "
        "ON CONFLICT (loader_code) DO UPDATE SET version = v.version + 1, changed_at = now()"
    )
    return out
