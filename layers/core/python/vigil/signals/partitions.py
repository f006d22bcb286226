"""Monthly partitions of signals_history: create ahead, create on demand, drop by retention."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from vigil.db import Session

_LOCK = 7_316_030


def month_start(ts: datetime) -> datetime:
    return datetime(ts.year, ts.month, 1, tzinfo=UTC)


def next_month(ts: datetime) -> datetime:
    return datetime(ts.year + (ts.month == 12), ts.month % 12 + 1, 1, tzinfo=UTC)


def partition_name(month: datetime) -> str:
    return f"signals_history_y{month.year:04d}m{month.month:02d}"


def existing(s: Session) -> set[str]:
    rows = s.fetch_all(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'signals_history'"
    )
    return {r["relname"] for r in rows}


def ensure(s: Session, months: Iterable[datetime]) -> list[str]:
    """Create the partitions covering `months` that do not exist yet; return the new ones."""
    wanted = {month_start(m) for m in months}
    have = existing(s)
    missing = [m for m in sorted(wanted) if partition_name(m) not in have]
    if not missing:
        return []
    s.advisory_lock(_LOCK)  # two ingesters creating the same month wait for each other
    have = existing(s)
    created = []
    for m in missing:
        name = partition_name(m)
        if name in have:
            continue
        s.execute(
            f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF signals_history "
            f"FOR VALUES FROM ('{m.isoformat()}') TO ('{next_month(m).isoformat()}')"
        )
        created.append(name)
    return created
