"""Loaders and segments through the API on real sources: create (SQL contract enforced on save),
read (SQL decrypted for OPERATOR+ only), update, pause/resume, preview (nothing written), run
now through the real queue, execution history and signals, delete (signals kept)."""

from __future__ import annotations

import time

import pytest

from tests.support import loaders_queue, loaders_sources

SOURCES = "/api/v1/admin/res/db-sources"
LOADERS = "/api/v1/res/loaders/loaders"
SEGMENTS = "/api/v1/res/segments"

PG_SQL = """
SELECT date_trunc('hour', created_at) AS load_time_stamp, segment AS segment_code, count(*) AS rec_count,
       max(amount) AS max_val, min(amount) AS min_val, avg(amount) AS avg_val, sum(amount) AS sum_val
FROM payments GROUP BY 1, 2 ORDER BY 1;
"""
MYSQL_SQL = """
SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:00:00') AS load_time_stamp, segment AS segment_code,
       COUNT(*) AS rec_count, MAX(amount) AS max_val, MIN(amount) AS min_val, AVG(amount) AS avg_val,
       SUM(amount) AS sum_val
FROM payments GROUP BY 1, 2 ORDER BY 1, 2
"""


@pytest.fixture(scope="module")
def pg_source(gateway, users, pg):
    from tests.support.client import ApiClient

    admin = ApiClient(gateway, token=users["ADMIN"].token)
    created = admin.post(SOURCES, pg.body(pg.read_only)).body
    assert created["readOnlyCompliant"] is True
    for code in ("CARD", "WALLET"):
        admin.post(SEGMENTS, {"segmentCode": code, "description": f"{code} payments"})
    return created["id"]


@pytest.fixture(scope="module")
def my_source(gateway, users, my):
    from tests.support.client import ApiClient

    created = ApiClient(gateway, token=users["ADMIN"].token).post(SOURCES, my.body(my.read_only)).body
    assert created["readOnlyCompliant"] is True, created
    return created["id"]


@pytest.fixture(scope="module", autouse=True)
def _cleanup(services):
    yield
    # The module's sources are dropped with it: leave no loader behind for another schedule.
    from vigil.db import get_database

    get_database().execute("DELETE FROM loaders WHERE loader_code LIKE 'API\\_%'")


def _loader(code: str, source_id: str, **extra) -> dict:
    return {"loaderCode": code, "sourceDatabaseId": source_id, "loaderSql": PG_SQL, "intervalSeconds": 300,
            "maxParallelism": 1, "enabled": False} | extra


def test_create_read_and_sql_visibility_by_role(operator, viewer, pg_source, db):
    r = operator.post(LOADERS, _loader("API_PAYMENTS", pg_source, segments=["CARD"], timeoutSeconds=20))
    assert r.status == 201, r
    assert r.body["loaderSql"] == PG_SQL.strip("\n") or r.body["loaderSql"].strip() == PG_SQL.strip()
    assert r.body["segments"] == ["CARD"] and r.body["timeoutSeconds"] == 20 and r.body["lastRun"] is None
    stored = db.fetch_one("SELECT loader_sql_enc FROM loaders WHERE loader_code = 'API_PAYMENTS'")
    assert stored["loader_sql_enc"].startswith("enc:v1:") and "payments" not in stored["loader_sql_enc"]
    # VIEWER sees the loader but not its SQL; OPERATOR sees it decrypted
    seen = viewer.get(f"{LOADERS}/API_PAYMENTS")
    assert seen.status == 200 and seen.body["loaderSql"] is None
    assert "FROM payments" in operator.get(f"{LOADERS}/API_PAYMENTS").body["loaderSql"]
    listed = viewer.get(LOADERS, query={"q": "API_PAY", "enabled": "false"})
    assert listed.body["total"] == 1 and listed.body["items"][0]["loaderSql"] is None
    assert viewer.get(LOADERS, query={"q": "API_PAY", "enabled": "true"}).body["total"] == 0
    assert viewer.post(LOADERS, _loader("API_VIEWER", pg_source)).status == 403


@pytest.mark.parametrize("sql, why", [
    ("SELECT 1 AS load_time_stamp; DROP TABLE payments", "one statement"),
    ("DELETE FROM payments", "SELECT"),
    ("WITH gone AS (DELETE FROM payments RETURNING *) SELECT now() AS load_time_stamp FROM gone", "DELETE"),
    ("SELECT * INTO copy_of_payments FROM payments", "INTO"),
    ("SELECT now() AS load_time_stamp FROM payments FOR UPDATE", "UPDATE"),
    ("SELECT now() AS load_time_stamp FROM payments FOR SHARE", "FOR SHARE"),
    ("SELECT pg_advisory_lock(1), now() AS load_time_stamp", "pg_advisory_lock"),
    ("UPDATE payments SET amount = 0", "SELECT"),
    ("", "at least 1 character"),
])
def test_sql_other_than_one_read_only_select_is_rejected_on_save(operator, pg_source, sql, why):
    r = operator.post(LOADERS, _loader("API_BAD_SQL", pg_source, loaderSql=sql or " "))
    assert r.status == 400, r
    detail = r.body["error"]["details"][0]
    assert why.lower() in (r.body["error"]["message"] + detail["message"]).lower()
    assert detail["field"] == "body.loaderSql"


def test_codes_references_and_duplicates_are_checked(operator, pg_source):
    bad_code = operator.post(LOADERS, _loader("lower_case", pg_source))
    assert bad_code.status == 400 and bad_code.body["error"]["details"][0]["field"] == "body.loaderCode"
    unknown_source = operator.post(LOADERS, _loader("API_NO_SOURCE", "00000000-0000-0000-0000-000000000000"))
    assert unknown_source.status == 400 and "sourceDatabaseId" in unknown_source.body["error"]["message"]
    unknown_segment = operator.post(LOADERS, _loader("API_NO_SEGMENT", pg_source, segments=["NOPE"]))
    assert unknown_segment.status == 400 and "NOPE" in unknown_segment.body["error"]["message"]
    assert operator.post(LOADERS, _loader("API_DUP", pg_source)).status == 201
    assert operator.post(LOADERS, _loader("API_DUP", pg_source)).status == 409
    assert operator.put(f"{LOADERS}/API_DUP", {"loaderSql": "DROP TABLE payments"}).status == 400
    assert operator.put(f"{LOADERS}/API_MISSING", {"intervalSeconds": 600}).status == 404


def test_update_pause_and_resume_are_audited(operator, pg_source, db):
    operator.post(LOADERS, _loader("API_TOGGLE", pg_source, enabled=True))
    updated = operator.put(f"{LOADERS}/API_TOGGLE", {"intervalSeconds": 900, "maxParallelism": 2})
    assert updated.status == 200 and updated.body["intervalSeconds"] == 900 and updated.body["maxParallelism"] == 2
    assert operator.post(f"{LOADERS}/API_TOGGLE/pause").body["enabled"] is False
    assert operator.get(f"{LOADERS}/API_TOGGLE").body["enabled"] is False
    assert operator.post(f"{LOADERS}/API_TOGGLE/resume").body["enabled"] is True
    actions = [r["action"] for r in db.fetch_all(
        "SELECT action FROM audit_log WHERE entity_type = 'loader' AND entity_id = 'API_TOGGLE' ORDER BY id")]
    assert actions == ["loader.create", "loader.update", "loader.pause", "loader.resume"]
    update = db.fetch_one("SELECT before, after FROM audit_log WHERE action = 'loader.update' "
                          "AND entity_id = 'API_TOGGLE'")
    assert update["before"]["intervalSeconds"] == 300 and update["after"]["intervalSeconds"] == 900
    assert "payments" not in str(update["after"])  # the SQL is a secret: only its fingerprint is audited


def test_preview_of_unsaved_sql_shows_rows_and_points_and_writes_nothing(operator, viewer, pg_source, db):
    body = {"sourceDatabaseId": pg_source, "loaderSql": PG_SQL, "loaderCode": "API_PREVIEW"}
    r = operator.post("/api/v1/res/loaders/preview", body)
    assert r.status == 200, r
    assert r.body["columns"][:3] == ["load_time_stamp", "segment_code", "rec_count"]
    assert len(r.body["rows"]) == 48 and r.body["truncated"] is False and r.body["errors"] == []
    assert len(r.body["points"]) == 48 and r.body["skipped"] == 0
    assert {p["segmentCode"] for p in r.body["points"]} == {"CARD", "WALLET"}
    filtered = operator.post("/api/v1/res/loaders/preview", body | {"segments": ["CARD"]}).body
    assert filtered["skipped"] == 24 and {p["segmentCode"] for p in filtered["points"]} == {"CARD"}
    many = operator.post("/api/v1/res/loaders/preview", body | {
        "loaderSql": "SELECT now() - n * interval '1 minute' AS load_time_stamp FROM generate_series(1, 150) n"}).body
    assert len(many["rows"]) == 100 and many["truncated"] is True
    missing = operator.post("/api/v1/res/loaders/preview", body | {"loaderSql": "SELECT 1 AS x"}).body
    assert missing["points"] == [] and "load_time_stamp" in missing["errors"][0]["message"]
    broken = operator.post("/api/v1/res/loaders/preview", body | {"loaderSql": "SELECT nope AS load_time_stamp"})
    assert broken.status == 400 and "nope" in broken.body["error"]["message"]
    assert viewer.post("/api/v1/res/loaders/preview", body).status == 403
    assert db.scalar("SELECT count(*) FROM signals_history WHERE loader_code = 'API_PREVIEW'") == 0


def test_preview_of_a_saved_mysql_loader(operator, my_source):
    assert operator.post(LOADERS, _loader("API_MYSQL", my_source, loaderSql=MYSQL_SQL)).status == 201
    r = operator.post(f"{LOADERS}/API_MYSQL/preview")
    assert r.status == 200, r
    points = {p["segmentCode"]: p for p in r.body["points"]}
    assert points["CARD"]["recCount"] == 2 and points["CARD"]["sumVal"] == 15.0
    assert points["CARD"]["maxVal"] == 10.5 and points["WALLET"]["avgVal"] == 7.0


def test_run_now_writes_signals_and_records_history_then_delete_keeps_signals(operator, viewer, pg_source, db):
    loaders_queue.purge()
    operator.post(LOADERS, _loader("API_RUN", pg_source))
    # WHEN an operator runs the loader now, twice
    first = operator.post(f"{LOADERS}/API_RUN/run")
    assert first.status == 202 and first.body["executionId"]
    queued = viewer.get(f"{LOADERS}/API_RUN/executions").body["items"][0]
    assert queued["id"] == first.body["executionId"] and queued["status"] == "RUNNING" and queued["attempts"] == 0
    assert loaders_queue.drain().handled >= 1
    second = operator.post(f"{LOADERS}/API_RUN/run").body["executionId"]
    loaders_queue.drain()
    # THEN both runs are recorded, newest first, with rows and durations
    history = viewer.get(f"{LOADERS}/API_RUN/executions")
    assert history.status == 200 and history.body["total"] == 2 and history.body["size"] == 50
    newest, oldest = history.body["items"]
    assert newest["id"] == second and oldest["id"] == first.body["executionId"]
    assert newest["status"] == "SUCCESS" and newest["rows"] == 48 and newest["durationMs"] >= 0
    assert newest["error"] is None and newest["trigger"] == "MANUAL" and newest["attempts"] == 1
    page = viewer.get(f"{LOADERS}/API_RUN/executions", query={"size": 1, "page": 1}).body
    assert [e["id"] for e in page["items"]] == [first.body["executionId"]]
    assert viewer.get(f"{LOADERS}/API_RUN").body["lastRun"]["status"] == "SUCCESS"
    one = viewer.get(f"{LOADERS}/API_RUN/executions/{second}")
    assert one.status == 200 and one.body["status"] == "SUCCESS" and one.body["rows"] == 48
    assert viewer.get(f"{LOADERS}/API_RUN/executions/00000000-0000-0000-0000-000000000000").status == 404
    assert viewer.get(f"{LOADERS}/API_RUN/executions/nope").status == 404
    # AND the signals are stored once per (segment, hour), with the source's aggregates
    rows = db.fetch_all("SELECT segment_code, rec_count, sum_val FROM signals_history "
                        "WHERE loader_code = 'API_RUN'")
    assert len(rows) == 48 and {r["segment_code"] for r in rows} == {"CARD", "WALLET"}
    assert sum(r["sum_val"] for r in rows) == sum(10 + n for n in range(48))
    window = {"fromEpoch": int(time.time()) - 3 * 86400, "toEpoch": int(time.time()) + 3600}
    api_points = viewer.get("/api/v1/res/signals/signal/API_RUN", query=window)
    assert api_points.status == 200 and len(api_points.body["dataPoints"]) == 48
    # WHEN the loader is deleted THEN its definition and history go, its signals stay
    assert operator.delete(f"{LOADERS}/API_RUN").status == 204
    assert viewer.get(f"{LOADERS}/API_RUN").status == 404
    assert db.scalar("SELECT count(*) FROM signals_history WHERE loader_code = 'API_RUN'") == 48
    assert len(viewer.get("/api/v1/res/signals/signal/API_RUN", query=window).body["dataPoints"]) == 48
    assert db.scalar("SELECT count(*) FROM loader_executions WHERE loader_code = 'API_RUN'") == 0


def test_a_source_in_use_cannot_be_deleted(admin, operator, pg_source):
    operator.post(LOADERS, _loader("API_USES_SOURCE", pg_source))
    r = admin.delete(f"{SOURCES}/{pg_source}")
    assert r.status == 409 and "API_USES_SOURCE" in r.body["error"]["message"]


def test_segments_dictionary_crud(operator, viewer):
    assert viewer.post(SEGMENTS, {"segmentCode": "EU"}).status == 403
    created = operator.post(SEGMENTS, {"segmentCode": "EU", "description": "Europe"})
    assert created.status == 201 and created.body["segmentCode"] == "EU"
    assert operator.post(SEGMENTS, {"segmentCode": "EU"}).status == 409
    assert operator.post(SEGMENTS, {"segmentCode": "bad code!"}).status == 400
    assert viewer.get(f"{SEGMENTS}/EU").body["description"] == "Europe"
    assert operator.put(f"{SEGMENTS}/EU", {"description": "European Union"}).body["description"] == "European Union"
    assert viewer.get(SEGMENTS, query={"q": "European"}).body["total"] == 1
    assert operator.delete(f"{SEGMENTS}/EU").status == 204
    assert viewer.get(f"{SEGMENTS}/EU").status == 404


def test_a_segment_listed_by_a_loader_cannot_be_deleted(operator, pg_source):
    operator.post(LOADERS, _loader("API_SEGMENT_USER", pg_source, segments=["WALLET"]))
    r = operator.delete(f"{SEGMENTS}/WALLET")
    assert r.status == 409 and "API_SEGMENT_USER" in r.body["error"]["message"]


def test_a_write_hidden_in_a_function_is_stopped_by_the_read_only_transaction(admin, operator, pg):
    # GIVEN a writable account (overridden) and a function that writes, which no SQL check can see
    from vigil import db as db_adapter

    db_adapter.admin_execute(db_adapter.with_database(pg.admin_url, pg.db_name), [
        "CREATE OR REPLACE FUNCTION sneaky_insert() RETURNS int LANGUAGE sql AS "
        "$$ INSERT INTO payments (created_at, segment, amount) VALUES (now(), 'X', 1) RETURNING 1 $$",
        f"GRANT EXECUTE ON FUNCTION sneaky_insert() TO {pg.read_write.user}",
    ])
    source = admin.post(SOURCES, pg.body(pg.read_write)).body
    admin.post(f"{SOURCES}/{source['id']}/compliance-override", {"reason": "test of the read-only guard"})
    # WHEN its SQL is previewed
    r = operator.post("/api/v1/res/loaders/preview", {
        "sourceDatabaseId": source["id"], "loaderSql": "SELECT sneaky_insert() AS x, now() AS load_time_stamp"})
    # THEN the source refuses the write and nothing changed
    assert r.status == 400 and "read-only transaction" in r.body["error"]["message"]
    count = operator.post("/api/v1/res/loaders/preview", {
        "sourceDatabaseId": source["id"], "loaderSql": "SELECT count(*) AS rec_count, now() AS load_time_stamp "
                                                       "FROM payments"}).body
    assert count["points"][0]["recCount"] == 48


def test_mysql_too_refuses_a_write_hidden_in_a_function(admin, operator, my):
    loaders_sources._mysql([
        "CREATE FUNCTION sneaky_insert() RETURNS INT MODIFIES SQL DATA BEGIN "
        "INSERT INTO payments (created_at, segment, amount) VALUES (UTC_TIMESTAMP(), 'X', 1); RETURN 1; END",
        f"GRANT EXECUTE ON FUNCTION `{my.db_name}`.sneaky_insert TO '{my.read_write.user}'@'%'",
        f"GRANT EXECUTE ON FUNCTION `{my.db_name}`.sneaky_insert TO '{my.read_write.user}'@'localhost'",
    ], database=my.db_name)
    source = admin.post(SOURCES, my.body(my.read_write)).body
    admin.post(f"{SOURCES}/{source['id']}/compliance-override", {"reason": "test of the read-only guard"})
    r = operator.post("/api/v1/res/loaders/preview", {
        "sourceDatabaseId": source["id"], "loaderSql": "SELECT sneaky_insert() AS x, NOW() AS load_time_stamp"})
    assert r.status == 400 and "read-only transaction" in r.body["error"]["message"]
    count = operator.post("/api/v1/res/loaders/preview", {
        "sourceDatabaseId": source["id"], "loaderSql": "SELECT COUNT(*) AS rec_count, NOW() AS load_time_stamp "
                                                       "FROM payments"}).body
    assert count["points"][0]["recCount"] == 3
