"""Loader execution end to end: the schedule queues due loaders, the queue handler runs them on
real PostgreSQL and MariaDB sources, failures are isolated, retried per the queue policy and
recorded, and compliance, the SQL contract, the row cap and maxParallelism are enforced."""

from __future__ import annotations

import uuid

import pytest

from tests.support import loaders_queue
from vigil import settings as settings_mod
from vigil.db import get_database
from vigil.loaders import parallelism, runner
from vigil.redis import get_store

SOURCES = "/api/v1/admin/res/db-sources"
LOADERS = "/api/v1/res/loaders/loaders"

PG_SQL = ("SELECT date_trunc('hour', created_at) AS load_time_stamp, segment AS segment_code, "
          "count(*) AS rec_count, sum(amount) AS sum_val FROM payments GROUP BY 1, 2")
MYSQL_SQL = ("SELECT UNIX_TIMESTAMP(MAX(created_at)) AS load_time_stamp, COUNT(*) AS rec_count, "
             "SUM(amount) AS sum_val FROM payments")


@pytest.fixture(scope="module")
def admin_client(gateway, users):
    from tests.support.client import ApiClient

    return ApiClient(gateway, token=users["ADMIN"].token)


@pytest.fixture(scope="module")
def sources(admin_client, pg, my):
    """name -> id: a compliant PostgreSQL and MySQL source, a non-compliant one, and an
    unreachable one that an ADMIN overrode (so it is tried, and fails)."""
    ids = {
        "pg": admin_client.post(SOURCES, pg.body(pg.read_only)).body["id"],
        "mysql": admin_client.post(SOURCES, my.body(my.read_only)).body["id"],
        "writable": admin_client.post(SOURCES, pg.body(pg.read_write)).body["id"],
    }
    down = admin_client.post(SOURCES, {"name": f"down-{uuid.uuid4().hex[:6]}", "type": "postgresql",
                                       "host": "127.0.0.1", "port": 1, "dbName": "x", "userName": "u",
                                       "password": "p"}).body
    admin_client.post(f"{SOURCES}/{down['id']}/compliance-override", {"reason": "test: tried and fails"})
    ids["down"] = down["id"]
    return ids


@pytest.fixture(scope="module", autouse=True)
def _cleanup(services):
    yield
    get_database().execute("DELETE FROM loaders WHERE loader_code LIKE 'EX\\_%'")


@pytest.fixture(autouse=True)
def _quiet_queue(services):
    loaders_queue.purge()
    yield
    # Leave no enabled loader behind for the next test's schedule.
    get_database().execute("UPDATE loaders SET enabled = false WHERE loader_code LIKE 'EX\\_%'")


def _create(operator, code: str, source_id: str, sql: str = PG_SQL, **extra) -> None:
    body = {"loaderCode": code, "sourceDatabaseId": source_id, "loaderSql": sql, "intervalSeconds": 60,
            "maxParallelism": 1} | extra
    r = operator.post(LOADERS, body)
    assert r.status == 201, r


def _executions(viewer, code: str) -> list[dict]:
    return viewer.get(f"{LOADERS}/{code}/executions").body["items"]


def _signals(code: str) -> int:
    return int(get_database().scalar("SELECT count(*) FROM signals_history WHERE loader_code = %s", (code,)))


def test_the_schedule_runs_due_loaders_and_a_failing_source_does_not_stop_the_others(operator, viewer, sources):
    # GIVEN two healthy loaders, one on an unreachable source, and a paused one
    _create(operator, "EX_PG", sources["pg"])
    _create(operator, "EX_MYSQL", sources["mysql"], MYSQL_SQL)
    _create(operator, "EX_DOWN", sources["down"])
    _create(operator, "EX_PAUSED", sources["pg"], enabled=False)
    # WHEN the schedule fires
    loaders_queue.fire_schedule()
    # THEN each enabled loader has one queued run, the paused one none
    for code in ("EX_PG", "EX_MYSQL", "EX_DOWN"):
        assert [e["status"] for e in _executions(viewer, code)] == ["RUNNING"], code
        assert _executions(viewer, code)[0]["trigger"] == "SCHEDULE"
    assert _executions(viewer, "EX_PAUSED") == []
    # AND firing again at once queues nothing more: they are not due yet
    loaders_queue.fire_schedule()
    assert len(_executions(viewer, "EX_PG")) == 1
    # WHEN the queue handler works through the messages (redeliveries included)
    drained = loaders_queue.drain()
    # THEN the healthy loaders wrote their signals
    pg_run, = _executions(viewer, "EX_PG")
    assert pg_run["status"] == "SUCCESS" and pg_run["rows"] == 48 and _signals("EX_PG") == 48
    my_run, = _executions(viewer, "EX_MYSQL")
    assert my_run["status"] == "SUCCESS" and my_run["rows"] == 1
    point = get_database().fetch_one("SELECT segment_code, rec_count, sum_val FROM signals_history "
                                     "WHERE loader_code = 'EX_MYSQL'")
    assert point == {"segment_code": "ALL", "rec_count": 3, "sum_val": 22.0}
    # AND the unreachable one was tried maxReceiveCount (3) times, then recorded FAILED
    down, = _executions(viewer, "EX_DOWN")
    assert down["status"] == "FAILED" and down["attempts"] == 3
    assert "cannot connect" in down["error"] and "after 3 attempts" in down["error"]
    assert sum("port 1 failed" in e for e in drained.errors) == 2 and _signals("EX_DOWN") == 0


def test_a_non_compliant_source_is_not_queried(operator, viewer, sources):
    _create(operator, "EX_WRITABLE", sources["writable"])
    # run now is refused up front
    refused = operator.post(f"{LOADERS}/EX_WRITABLE/run")
    assert refused.status == 409 and "compliant" in refused.body["error"]["message"]
    assert operator.post(f"{LOADERS}/EX_WRITABLE/preview").status == 409
    # a scheduled run fails at once, without retries, and writes nothing
    loaders_queue.fire_schedule()
    drained = loaders_queue.drain()
    run, = _executions(viewer, "EX_WRITABLE")
    assert run["status"] == "FAILED" and "not read-only compliant" in run["error"]
    assert run["attempts"] == 1 and _signals("EX_WRITABLE") == 0
    assert not any("EX_WRITABLE" in e for e in drained.errors)


def test_rows_that_break_the_contract_fail_the_run_and_write_nothing(operator, viewer, sources):
    sql = ("SELECT CASE WHEN n = 3 THEN NULL ELSE now() - n * interval '1 hour' END AS load_time_stamp, "
           "n AS rec_count FROM generate_series(1, 5) AS n")
    _create(operator, "EX_CONTRACT", sources["pg"], sql)
    operator.post(f"{LOADERS}/EX_CONTRACT/run")
    loaders_queue.drain()
    run, = _executions(viewer, "EX_CONTRACT")
    assert run["status"] == "FAILED" and "row 3: load_time_stamp is NULL" in run["error"]
    assert _signals("EX_CONTRACT") == 0


def test_the_row_cap_fails_a_run_that_returns_too_many_rows(operator, viewer, sources, services):
    _create(operator, "EX_CAP", sources["pg"])  # 48 rows
    settings_mod.configure(services.settings.model_copy(update={"loader_max_rows": 10}))
    try:
        operator.post(f"{LOADERS}/EX_CAP/run")
        loaders_queue.drain()
    finally:
        settings_mod.configure(services.settings)
    run, = _executions(viewer, "EX_CAP")
    assert run["status"] == "FAILED" and "more than 10 rows" in run["error"] and _signals("EX_CAP") == 0


def test_a_statement_timeout_on_mysql_fails_the_run(operator, viewer, sources):
    _create(operator, "EX_SLOW", sources["mysql"], "SELECT SLEEP(3) AS x, UNIX_TIMESTAMP() AS load_time_stamp",
            timeoutSeconds=1)
    operator.post(f"{LOADERS}/EX_SLOW/run")
    loaders_queue.drain()
    run, = _executions(viewer, "EX_SLOW")
    assert run["status"] == "FAILED" and "timeout of 1s" in run["error"]


def test_max_parallelism_holds_runs_back_until_a_slot_frees(operator, viewer, sources):
    _create(operator, "EX_BUSY", sources["pg"])
    store, db = get_store(), get_database()
    # GIVEN one run of EX_BUSY (maxParallelism 1) is in flight elsewhere
    assert parallelism.acquire(store, loader_code="EX_BUSY", execution_id="elsewhere", limit=1, lease_seconds=60)
    try:
        # THEN the schedule does not queue another
        loaders_queue.fire_schedule()
        assert _executions(viewer, "EX_BUSY") == []
        # AND a manual run waits (re-queued with a delay) instead of running
        execution_id = operator.post(f"{LOADERS}/EX_BUSY/run").body["executionId"]
        outcome = runner.execute(db, store, loader_code="EX_BUSY", execution_id=execution_id,
                                 trigger="MANUAL", attempt=1, max_attempts=3)
        assert outcome == "waiting"
        assert _executions(viewer, "EX_BUSY")[0]["attempts"] == 0 and _signals("EX_BUSY") == 0
    finally:
        parallelism.release(store, loader_code="EX_BUSY", execution_id="elsewhere")
    # WHEN the slot is free THEN the re-queued delivery runs it
    assert runner.execute(db, store, loader_code="EX_BUSY", execution_id=execution_id, trigger="MANUAL",
                          attempt=2, max_attempts=3) == "success"
    assert _executions(viewer, "EX_BUSY")[0]["status"] == "SUCCESS" and _signals("EX_BUSY") == 48
    # AND a redelivery of a finished run changes nothing (idempotent on executionId)
    assert runner.execute(db, store, loader_code="EX_BUSY", execution_id=execution_id, trigger="MANUAL",
                          attempt=2, max_attempts=3) == "already-finished"
    assert len(_executions(viewer, "EX_BUSY")) == 1
    assert parallelism.running(store, loader_code="EX_BUSY") == 0


def test_waiting_for_a_slot_gives_up_after_max_waits(operator, viewer, sources):
    _create(operator, "EX_STUCK", sources["pg"])
    store, db = get_store(), get_database()
    parallelism.acquire(store, loader_code="EX_STUCK", execution_id="forever", limit=1, lease_seconds=60)
    try:
        execution_id = operator.post(f"{LOADERS}/EX_STUCK/run").body["executionId"]
        assert runner.execute(db, store, loader_code="EX_STUCK", execution_id=execution_id, trigger="MANUAL",
                              attempt=runner.MAX_WAITS, max_attempts=3) == "failed"
    finally:
        parallelism.release(store, loader_code="EX_STUCK", execution_id="forever")
    run, = _executions(viewer, "EX_STUCK")
    assert run["status"] == "FAILED" and "maxParallelism" in run["error"]


def test_a_run_that_never_reported_back_is_closed_as_failed(operator, viewer, sources):
    _create(operator, "EX_LOST", sources["pg"], enabled=False)
    lost = operator.post(f"{LOADERS}/EX_LOST/run").body["executionId"]  # queued, never handled
    recent = operator.post(f"{LOADERS}/EX_LOST/run").body["executionId"]
    loaders_queue.purge()  # the messages are lost
    get_database().execute("UPDATE loader_executions SET started_at = now() - interval '2 hours' WHERE id = %s",
                           (lost,))
    loaders_queue.fire_schedule()
    runs = {e["id"]: e for e in _executions(viewer, "EX_LOST")}
    assert runs[lost]["status"] == "FAILED" and "run lost" in runs[lost]["error"]
    assert runs[recent]["status"] == "RUNNING"  # still within its possible lifetime


def test_run_history_past_its_retention_is_pruned(operator, viewer, sources):
    _create(operator, "EX_OLD", sources["pg"], enabled=False)
    old = operator.post(f"{LOADERS}/EX_OLD/run").body["executionId"]
    kept = operator.post(f"{LOADERS}/EX_OLD/run").body["executionId"]
    loaders_queue.purge()
    get_database().execute("UPDATE loader_executions SET started_at = now() - interval '31 days' WHERE id = %s",
                           (old,))
    loaders_queue.fire_schedule()  # LOADER_EXECUTION_RETENTION_DAYS defaults to 30
    assert [e["id"] for e in _executions(viewer, "EX_OLD")] == [kept]


def test_a_run_message_for_a_deleted_loader_or_without_a_valid_id_is_dropped():
    from vigil import errors

    store, db = get_store(), get_database()
    outcome = runner.execute(db, store, loader_code="EX_NEVER_EXISTED", execution_id=str(uuid.uuid4()),
                             trigger="SCHEDULE", attempt=1, max_attempts=3)
    assert outcome == "loader-deleted"
    with pytest.raises(errors.PoisonMessage):
        runner.execute(db, store, loader_code="EX_NEVER_EXISTED", execution_id="e1", trigger="SCHEDULE",
                       attempt=1, max_attempts=3)
