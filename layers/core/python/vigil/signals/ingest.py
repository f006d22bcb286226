"""Write signal points: idempotent upsert on (loader, segment, time).

This is the one entry point for every producer (bulk API, loader runs, demo seed), so
partitions, rollups, the per-loader series list and the cache version stay consistent with
the raw rows. How a batch is written, in one transaction:

1. duplicates inside the batch are collapsed (the last one wins);
2. the batch's loaders are locked (advisory locks, sorted: two batches of one loader
   serialize, other loaders do not wait) and missing month partitions are created;
3. the batch is COPied into a temp table;
4. existing rows whose values differ are UPDATEd and their minutes marked dirty (identical
   re-ingests change nothing, so a loader re-reading an overlapping window is cheap);
5. new rows are INSERTed and their contribution added to the 1m / 1h / 1d rollups;
6. dirty buckets are recomputed from the level below (1m from raw, 1h from 1m, 1d from 1h);
7. the loaders' data version is bumped, which makes every cached answer for them unreachable
   at the moment the transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from vigil.db import Database, Session
from vigil.signals import partitions, rollups
from vigil.signals.models import SignalPoint

_LOCK_NAMESPACE = 7_316_031
_VALUE_COLUMNS = ("rec_count", "max_val", "min_val", "avg_val", "sum_val")

_TEMP_INCOMING = """
CREATE TEMP TABLE IF NOT EXISTS signals_incoming (
    loader_code text COLLATE "C", segment_code text COLLATE "C", epoch bigint, rec_count bigint,
    max_val double precision, min_val double precision, avg_val double precision,
    sum_val double precision
) ON COMMIT DELETE ROWS
"""
_INCOMING_COLUMNS = ("loader_code", "segment_code", "epoch", *_VALUE_COLUMNS)
_INCOMING_TYPES = ("text", "text", "int8", "int8", "float8", "float8", "float8", "float8")
_TEMP_DIRTY = """
CREATE TEMP TABLE IF NOT EXISTS signals_dirty (
    loader_code text, segment_code text, minute timestamptz
) ON COMMIT DELETE ROWS
"""

_ANY_EXISTING = """
SELECT EXISTS (SELECT 1 FROM signals_history WHERE loader_code = ANY(%(loaders)s)
               AND load_time_stamp >= %(lo)s AND load_time_stamp <= %(hi)s)
"""

_VALUES = ", ".join(_VALUE_COLUMNS)
_I_VALUES = ", ".join(f"i.{c}" for c in _VALUE_COLUMNS)
_H_VALUES = ", ".join(f"h.{c}" for c in _VALUE_COLUMNS)

_UPDATE_CHANGED = f"""
WITH upd AS (
    UPDATE signals_history h
       SET {", ".join(f"{c} = i.{c}" for c in _VALUE_COLUMNS)}, ingested_at = now()
      FROM signals_incoming i
     WHERE h.loader_code = i.loader_code AND h.segment_code = i.segment_code
       AND h.load_time_stamp = to_timestamp(i.epoch)
       AND h.loader_code = ANY(%(loaders)s)
       AND h.load_time_stamp >= %(lo)s AND h.load_time_stamp <= %(hi)s
       AND ({_H_VALUES}) IS DISTINCT FROM ({_I_VALUES})
    RETURNING h.loader_code, h.segment_code, h.load_time_stamp
)
INSERT INTO signals_dirty (loader_code, segment_code, minute)
SELECT DISTINCT loader_code, segment_code, date_trunc('minute', load_time_stamp, 'UTC') FROM upd
"""

_INSERT_NEW = f"""
WITH ins AS (
    INSERT INTO signals_history (loader_code, segment_code, load_time_stamp, {_VALUES})
    SELECT loader_code, segment_code, to_timestamp(epoch), {_VALUES} FROM signals_incoming
    {{conflict}}
    RETURNING loader_code, segment_code, load_time_stamp, {_VALUES}
),
m AS ({rollups.minute_aggregate("ins")}),
h AS ({rollups.coarsen(rollups.BY_NAME["1h"], "m")}),
d AS ({rollups.coarsen(rollups.BY_NAME["1d"], "h")}),
r1m AS ({rollups.merge_into(rollups.BY_NAME["1m"], "m")}),
r1h AS ({rollups.merge_into(rollups.BY_NAME["1h"], "h")}),
r1d AS ({rollups.merge_into(rollups.BY_NAME["1d"], "d")}),
series AS (
    INSERT INTO signals_series AS s (loader_code, segment_code, first_ts, last_ts)
    SELECT loader_code, segment_code, min(first_ts), max(last_ts) FROM d GROUP BY 1, 2
    ON CONFLICT (loader_code, segment_code) DO UPDATE
       SET first_ts = least(s.first_ts, EXCLUDED.first_ts), last_ts = greatest(s.last_ts, EXCLUDED.last_ts)
),
bump AS (
    INSERT INTO signals_versions AS v (loader_code)
    SELECT DISTINCT loader_code FROM d
    ON CONFLICT (loader_code) DO UPDATE SET version = v.version + 1, changed_at = now()
)
SELECT coalesce(sum(points), 0) FROM d
"""

_INSERT_FRESH = _INSERT_NEW.replace("{conflict}", "")
_INSERT_WITH_CONFLICTS = _INSERT_NEW.replace(
    "{conflict}", "ON CONFLICT (loader_code, segment_code, load_time_stamp) DO NOTHING"
)

_BUMP_VERSIONS = """
INSERT INTO signals_versions AS v (loader_code)
SELECT unnest(%(loaders)s::text[])
ON CONFLICT (loader_code) DO UPDATE SET version = v.version + 1, changed_at = now()
"""


def ingest(db: Database, points: Sequence[SignalPoint]) -> int:
    """Store `points` in one transaction; return how many distinct points were stored.

    Idempotent: sending the same points again changes nothing (and does not invalidate
    cached answers); sending a point with new values replaces it everywhere, rollups included.
    """
    if not points:
        return 0
    with db.session() as s:
        return _write(s, points, reuse=False)


def lock_loaders(s: Session, loaders: Sequence[str]) -> None:
    """Hold the write lock of each loader until the transaction ends (sorted: no deadlocks)."""
    for code in sorted(set(loaders)):
        s.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_LOCK_NAMESPACE, code))


def ingest_in(s: Session, points: Sequence[SignalPoint]) -> int:
    """The same, inside a caller's transaction (the cache version moves when it commits)."""
    return _write(s, points, reuse=True) if points else 0


def _write(s: Session, points: Sequence[SignalPoint], *, reuse: bool) -> int:
    """`reuse`: the transaction may go on (and ingest again), so empty the temp tables now;
    otherwise the commit empties them. DELETE, not TRUNCATE: a truncated table gets a new
    file, which throws away the prepared plans of the statements above."""
    latest: dict[tuple[str, str, int], SignalPoint] = {}
    for p in points:
        latest[(p.loader_code, p.segment_code, p.load_time_stamp)] = p
    loaders = sorted({k[0] for k in latest})
    lo_epoch = min(k[2] for k in latest)
    hi_epoch = max(k[2] for k in latest)
    lo = datetime.fromtimestamp(lo_epoch, UTC)
    hi = datetime.fromtimestamp(hi_epoch, UTC)

    # Loader locks first, then (only if a month is missing) the partition lock: one order
    # for every writer, so two ingests cannot deadlock.
    lock_loaders(s, loaders)
    partitions.ensure(s, _months(lo, hi, latest))

    s.execute(_TEMP_INCOMING)
    s.copy_rows(
        "signals_incoming",
        _INCOMING_COLUMNS,
        ((p.loader_code, p.segment_code, p.load_time_stamp, p.rec_count, p.max_val, p.min_val,
          p.avg_val, p.sum_val) for p in latest.values()),
        types=_INCOMING_TYPES,
    )
    params = {"loaders": loaders, "lo": lo, "hi": hi}
    dirty = 0
    existing = bool(s.scalar(_ANY_EXISTING, params))
    if existing:
        s.execute(_TEMP_DIRTY)
        dirty = s.execute(_UPDATE_CHANGED, params)
    # Without existing rows in the batch's range (the usual case: a loader's new window) a
    # plain INSERT is enough: the loader lock keeps other writers out, and it skips the
    # speculative-insertion cost of ON CONFLICT.
    s.scalar(_INSERT_WITH_CONFLICTS if existing else _INSERT_FRESH)
    if dirty:
        # Bounds for partition pruning of the raw scan: whole minutes around the batch.
        bounds = {"lo": datetime.fromtimestamp(lo_epoch - lo_epoch % 60, UTC),
                  "hi": datetime.fromtimestamp(hi_epoch - hi_epoch % 60 + 60, UTC)}
        for level in rollups.LEVELS:
            s.execute(rollups.recompute_sql(level, "signals_dirty"), bounds)
        s.execute("DELETE FROM signals_dirty")
        s.execute(_BUMP_VERSIONS, {"loaders": loaders})  # the insert bumped only loaders it added to
    if reuse:
        s.execute("DELETE FROM signals_incoming")
    return len(latest)


def _months(lo: datetime, hi: datetime, points: dict[tuple[str, str, int], SignalPoint]) -> list[datetime]:
    """Months holding points. A batch spanning a few months covers them all; a batch with a
    stray far-away timestamp must not create every partition in between."""
    if (hi - lo).days <= 62:
        return partitions.months_between(lo, hi)
    firsts = {datetime.fromtimestamp(k[2], UTC).replace(day=1, hour=0, minute=0, second=0) for k in points}
    return sorted(firsts)
