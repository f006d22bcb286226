"""Signals storage: monthly partitions, retention, rollups that follow inserts and
replacements, ingest transactions and versions."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import pytest

from vigil import db as db_adapter
from vigil.migrations import migrate
from vigil.signals import partitions, repository, rollups, service
from vigil.signals.ingest import ingest, ingest_in
from vigil.signals.models import SignalPoint


def _epoch(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


def _loader() -> str:
    return "STORE_" + uuid.uuid4().hex[:8].upper()


def _p(loader: str, t: int, v: float, *, seg: str = "ALL", rec: int = 1) -> SignalPoint:
    return SignalPoint(loader_code=loader, segment_code=seg, load_time_stamp=t, rec_count=rec,
                       max_val=v + 10, min_val=v - 10, avg_val=v, sum_val=v * rec)


@pytest.fixture
def scratch_db(services):
    name = f"vigil_sig_{uuid.uuid4().hex[:8]}"
    db_adapter.admin_execute(services.admin_url, [f'CREATE DATABASE "{name}"'])
    database = db_adapter.Database(db_adapter.with_database(services.admin_url, name), min_size=1, max_size=2)
    migrate(database)
    yield database
    database.close()
    db_adapter.admin_execute(services.admin_url, [f'DROP DATABASE "{name}" WITH (FORCE)'])


def _partition_of(db, loader: str) -> dict[int, str]:
    rows = db.fetch_all(
        "SELECT extract(epoch FROM load_time_stamp)::bigint AS ts, tableoid::regclass::text AS part "
        "FROM signals_history WHERE loader_code = %s", (loader,))
    return {r["ts"]: r["part"] for r in rows}


def test_points_across_a_month_boundary_land_in_their_own_partitions(db):
    loader = _loader()
    last_march, first_april = _epoch(2029, 3, 31, 23, 59, 59), _epoch(2029, 4, 1)
    ingest(db, [_p(loader, last_march, 1.0), _p(loader, first_april, 2.0)])
    assert _partition_of(db, loader) == {last_march: "signals_history_y2029m03",
                                         first_april: "signals_history_y2029m04"}
    rolled = db.fetch_all(
        "SELECT tableoid::regclass::text AS part FROM signals_rollup_1m WHERE loader_code = %s "
        "ORDER BY bucket_start", (loader,))
    assert [r["part"] for r in rolled] == ["signals_rollup_1m_y2029m03", "signals_rollup_1m_y2029m04"]
    days = db.fetch_all("SELECT points FROM signals_rollup_1d WHERE loader_code = %s ORDER BY bucket_start",
                        (loader,))
    assert [d["points"] for d in days] == [1, 1]


def test_schedule_creates_partitions_ahead_and_retention_drops_whole_months(scratch_db):
    # GIVEN data in Nov 2030 .. Feb 2031
    loader = _loader()
    days = [(2030, 11, 15), (2030, 12, 15), (2031, 1, 15), (2031, 2, 15)]
    ingest(scratch_db, [_p(loader, _epoch(*d), float(i)) for i, d in enumerate(days)])
    # WHEN the job runs on 2031-02-10 with 2 months of retention
    out = service.maintain_partitions(scratch_db, now=datetime(2031, 2, 10, tzinfo=UTC), retention_months=2)
    # THEN Feb, Mar, Apr 2031 exist for both tables and months before Dec 2030 are gone
    with scratch_db.session() as s:
        history = partitions.existing(s, "signals_history")
        minute = partitions.existing(s, "signals_rollup_1m")
    for name in ("y2031m02", "y2031m03", "y2031m04", "y2030m12", "y2031m01"):
        assert f"signals_history_{name}" in history and f"signals_rollup_1m_{name}" in minute
    assert "signals_history_y2030m11" not in history and "signals_rollup_1m_y2030m11" not in minute
    assert set(out["dropped"]) == {"signals_history_y2030m11", "signals_rollup_1m_y2030m11"}
    assert "signals_history_y2031m04" in out["created"]
    months = scratch_db.fetch_all(
        "SELECT extract(month FROM bucket_start)::int AS m FROM signals_rollup_1d WHERE loader_code = %s "
        "ORDER BY bucket_start", (loader,))
    assert [r["m"] for r in months] == [12, 1, 2]
    # AND running it again is a no-op
    again = service.maintain_partitions(scratch_db, now=datetime(2031, 2, 10, tzinfo=UTC), retention_months=2)
    assert again == {"created": [], "dropped": []}
    assert service.maintain_partitions(scratch_db, now=datetime(2031, 2, 10, tzinfo=UTC),
                                       retention_months=0)["dropped"] == []


def _rollup_mismatches(db, loader: str) -> list[str]:
    """Every rollup row compared with the same statistics recomputed from the raw rows."""
    bad = []
    cols = rollups.STAT_COLUMNS
    for level in rollups.LEVELS:
        ref = db.fetch_all(
            f"SELECT segment_code, date_trunc('{level.trunc}', load_time_stamp, 'UTC') AS b, "
            f"{', '.join(f'{e} AS {c}' for e, c in zip(rollups.from_raw_exprs(), cols, strict=True))} "
            f"FROM signals_history WHERE loader_code = %s GROUP BY 1, 2 ORDER BY 1, 2", (loader,))
        got = db.fetch_all(
            f"SELECT segment_code, bucket_start AS b, {', '.join(cols)} FROM {level.table} "
            f"WHERE loader_code = %s ORDER BY 1, 2", (loader,))
        if len(ref) != len(got):
            bad.append(f"{level.name}: {len(got)} rows, expected {len(ref)}")
            continue
        for r, g in zip(ref, got, strict=True):
            for c in ("segment_code", "b", *cols):
                if r[c] != g[c] and not (isinstance(r[c], float) and g[c] == pytest.approx(r[c], rel=1e-12)):
                    bad.append(f"{level.name} {r['segment_code']} {r['b']} {c}: {g[c]} != {r[c]}")
    return bad


def test_rollups_follow_replacements_that_shrink_a_max_or_raise_a_min(db):
    loader = _loader()
    t = _epoch(2029, 6, 1, 10)
    ingest(db, [_p(loader, t + 7 * i, float(i % 13), seg=s) for i in range(1200) for s in ("A", "B")])
    assert _rollup_mismatches(db, loader) == []
    # The extreme points of some minutes, hours and the day move inwards; others outwards;
    # some are re-sent unchanged; one batch carries the same point twice (the last wins).
    changed = [_p(loader, t + 7 * i, 5.0, seg="A", rec=3) for i in range(0, 1200, 11)]
    changed += [_p(loader, t + 7 * i, 500.0, seg="B") for i in range(0, 1200, 97)]
    changed += [_p(loader, t + 7 * i, float(i % 13), seg="B") for i in range(1, 1200, 50)]
    changed += [_p(loader, t, 1.0, seg="A"), _p(loader, t, 2.0, seg="A")]
    ingest(db, changed)
    assert _rollup_mismatches(db, loader) == []
    assert db.scalar("SELECT avg_val FROM signals_history WHERE loader_code = %s AND segment_code = 'A' "
                     "AND load_time_stamp = to_timestamp(%s)", (loader, t)) == 2.0


def test_concurrent_ingests_of_one_loader_keep_rollups_exact(db):
    loader = _loader()
    t = _epoch(2029, 7, 1)
    errors: list[BaseException] = []

    def writer(offset: float) -> None:
        try:
            for k in range(5):
                ingest(db, [_p(loader, t + 5 * i, offset + k + i % 7) for i in range(k * 50, k * 50 + 300)])
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(o,)) for o in (0.0, 100.0, 200.0)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert errors == []
    assert _rollup_mismatches(db, loader) == []


def test_ingest_inside_a_rolled_back_transaction_leaves_nothing(db):
    loader = _loader()
    with pytest.raises(RuntimeError), db.session() as s:
        assert ingest_in(s, [_p(loader, _epoch(2029, 8, 1), 1.0)]) == 1
        raise RuntimeError("caller fails after ingesting")
    assert db.scalar("SELECT count(*) FROM signals_history WHERE loader_code = %s", (loader,)) == 0
    assert db.scalar("SELECT count(*) FROM signals_rollup_1h WHERE loader_code = %s", (loader,)) == 0
    with db.session() as s:
        assert repository.version(s, loader) == 0


def test_version_moves_only_when_data_changes(db):
    loader = _loader()
    pts = [_p(loader, _epoch(2029, 9, 1) + i, 1.0) for i in range(10)]

    def version() -> int:
        with db.session() as s:
            return repository.version(s, loader)

    assert ingest(db, pts) == 10 and version() == 1
    ingest(db, pts)
    assert version() == 1  # identical re-send: cached answers stay valid
    ingest(db, [pts[0].model_copy(update={"avg_val": 2.0})])
    assert version() == 2
    ingest(db, [_p(loader, _epoch(2029, 9, 2), 1.0)])
    assert version() == 3
    spans = db.fetch_all("SELECT first_ts, last_ts FROM signals_series WHERE loader_code = %s", (loader,))
    assert spans == [{"first_ts": datetime(2029, 9, 1, tzinfo=UTC), "last_ts": datetime(2029, 9, 2, tzinfo=UTC)}]


def test_rebuild_recomputes_rollups_of_rows_loaded_directly(db):
    loader = _loader()
    t = _epoch(2029, 10, 1)
    ingest(db, [_p(loader, t, 1.0)])  # partitions, and rollups that go stale below
    db.execute(
        "INSERT INTO signals_history (loader_code, segment_code, load_time_stamp, rec_count, max_val, min_val, "
        "avg_val, sum_val) SELECT %s, 'S' || (g %% 3), to_timestamp(%s + g * 17), g %% 5, g + 1, g - 1, g, g * 2 "
        "FROM generate_series(1, 5000) g", (loader, t))
    assert _rollup_mismatches(db, loader) != []
    service.rebuild_rollups(db, loader_code=loader)
    assert _rollup_mismatches(db, loader) == []
    with db.session() as s:
        assert repository.version(s, loader) == 2
        assert repository.segment_count(s, loader_code=loader, start=t, end=t + 86400) == 4


def test_a_stray_far_timestamp_creates_only_the_months_with_points(scratch_db):
    loader = _loader()
    ingest(scratch_db, [_p(loader, _epoch(2031, 5, 1), 1.0), _p(loader, _epoch(2040, 1, 2), 2.0)])
    with scratch_db.session() as s:
        months = sorted(partitions.existing(s, "signals_history"))
    assert months == ["signals_history_y2031m05", "signals_history_y2040m01"]


def test_two_ingests_in_one_caller_transaction_both_land(db):
    loader = _loader()
    t = _epoch(2029, 11, 1)
    with db.session() as s:
        assert ingest_in(s, [_p(loader, t + i, 1.0) for i in range(50)]) == 50
        assert ingest_in(s, [_p(loader, t + 100 + i, 2.0) for i in range(30)] + [_p(loader, t, 9.0)]) == 31
    assert db.scalar("SELECT count(*) FROM signals_history WHERE loader_code = %s", (loader,)) == 80
    assert _rollup_mismatches(db, loader) == []
