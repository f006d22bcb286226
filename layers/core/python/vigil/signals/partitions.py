"""Monthly partitions of signals_history and signals_rollup_1m: create ahead, create on
demand at ingest, drop whole months by retention.

Both tables are partitioned by the same UTC month ranges, so a month is created and dropped
for both together. Partition names carry the month: `signals_history_y2026m03`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from vigil.db import Session

_LOCK = 7_316_030
TABLES = ("signals_history", "signals_rollup_1m")


def month_start(ts: datetime) -> datetime:
    return datetime(ts.year, ts.month, 1, tzinfo=UTC)


def next_month(ts: datetime) -> datetime:
    return datetime(ts.year + (ts.month == 12), ts.month % 12 + 1, 1, tzinfo=UTC)


def add_months(month: datetime, n: int) -> datetime:
    """The first day of the month `n` months after (or before, n < 0) `month`'s month."""
    index = month.year * 12 + (month.month - 1) + n
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def months_between(lo: datetime, hi: datetime) -> list[datetime]:
    """Every month start from lo's month to hi's month, inclusive."""
    out, m = [], month_start(lo)
    while m <= hi:
        out.append(m)
        m = next_month(m)
    return out


def partition_name(month: datetime, table: str = "signals_history") -> str:
    return f"{table}_y{month.year:04d}m{month.month:02d}"


def existing(s: Session, table: str = "signals_history") -> set[str]:
    rows = s.fetch_all(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
        (table,),
    )
    return {r["relname"] for r in rows}


def _all_existing(s: Session) -> set[str]:
    rows = s.fetch_all(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = ANY(%s)",
        (list(TABLES),),
    )
    return {r["relname"] for r in rows}


def ensure(s: Session, months: Iterable[datetime]) -> list[str]:
    """Create the partitions covering `months` that do not exist yet; return the new ones."""
    wanted = {month_start(m) for m in months}
    have = _all_existing(s)
    missing = [(m, t) for m in sorted(wanted) for t in TABLES if partition_name(m, t) not in have]
    if not missing:
        return []
    s.advisory_lock(_LOCK)  # two ingesters creating the same month wait for each other
    have = _all_existing(s)
    created = []
    for m, t in missing:
        name = partition_name(m, t)
        if name in have:
            continue
        s.execute(
            f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {t} "
            f"FOR VALUES FROM ('{m.isoformat()}') TO ('{next_month(m).isoformat()}')"
        )
        created.append(name)
    return created


def ensure_ahead(s: Session, *, now: datetime, months_ahead: int = 2) -> list[str]:
    """This month and the next `months_ahead` months (what the schedule creates)."""
    start = month_start(now)
    return ensure(s, [add_months(start, i) for i in range(months_ahead + 1)])


def drop_older_than(s: Session, *, cutoff_month: datetime) -> list[str]:
    """Drop every partition whose whole month lies before `cutoff_month`; prune 1h/1d rollups,
    the series spans and nothing else. Returns the dropped partition names."""
    cutoff = month_start(cutoff_month)
    # No partition lock here: dropping old months never races with creating new ones, and
    # taking it while ingests hold the parent table could deadlock with them.
    dropped = []
    for table in TABLES:
        for name in sorted(existing(s, table)):
            month = _month_of(name, table)
            if month is not None and next_month(month) <= cutoff:
                s.execute(f"DROP TABLE IF EXISTS {name}")
                dropped.append(name)
    for table in ("signals_rollup_1h", "signals_rollup_1d"):
        s.execute(f"DELETE FROM {table} WHERE bucket_start < %s", (cutoff,))
    s.execute("DELETE FROM signals_series WHERE last_ts < %s", (cutoff,))
    s.execute("UPDATE signals_series SET first_ts = %s WHERE first_ts < %s", (cutoff, cutoff))
    if dropped:  # cached answers may still show the dropped months
        s.execute("UPDATE signals_versions SET version = version + 1, changed_at = now()")
    return dropped


def _month_of(name: str, table: str) -> datetime | None:
    suffix = name[len(table):]
    if len(suffix) != 9 or not suffix.startswith("_y") or suffix[6] != "m":
        return None
    try:
        return datetime(int(suffix[2:6]), int(suffix[7:9]), 1, tzinfo=UTC)
    except ValueError:
        return None

