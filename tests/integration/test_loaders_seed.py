"""The demo seed: a compliant source on the platform's own database through a dedicated
read-only role, demo loaders that run and produce realistic values, ~30 days of history, and
idempotence on a second start."""

from __future__ import annotations

import pytest

from tests.support import loaders_queue
from vigil import db as db_adapter
from vigil.loaders import demo
from vigil.settings import get_settings

LOADERS = "/api/v1/res/loaders/loaders"
SOURCES = "/api/v1/admin/res/db-sources"


@pytest.fixture(scope="module")
def seeded(services):
    from vigil import seed
    from vigil.db import get_database

    # Only this domain's step (the others belong to their own tests), as the runtime calls it.
    dict(seed.STEPS)["loaders"]()
    yield get_database()
    db = get_database()
    db.execute("DELETE FROM loaders WHERE loader_code LIKE 'DEMO\\_%'")
    db.execute("DELETE FROM source_databases WHERE name = %s", (demo.SOURCE_NAME,))
    role = demo.role_name(services.database_name)
    db_adapter.admin_execute(services.admin_url, [
        f'REVOKE CONNECT ON DATABASE "{services.database_name}" FROM {role}', f"DROP ROLE IF EXISTS {role}"])


def test_the_demo_source_is_compliant_and_uses_its_own_read_only_role(seeded, admin, services):
    items = admin.get(SOURCES, query={"q": "Demo"}).body["items"]
    source, = [s for s in items if s["name"] == demo.SOURCE_NAME]
    assert source["readOnlyCompliant"] is True, source["complianceFindings"]
    assert source["userName"] == demo.role_name(services.database_name) and source["password"] == "***"
    assert source["dbName"] == services.database_name


def test_the_demo_loaders_have_a_month_of_five_minute_history(seeded, viewer):
    for code, series in (("DEMO_PAYMENTS", 2), ("DEMO_LOGINS", 1)):
        loader = viewer.get(f"{LOADERS}/{code}").body
        assert loader["enabled"] is True and loader["intervalSeconds"] == 60
        stats = seeded.fetch_one(
            "SELECT count(*) AS n, min(load_time_stamp) AS first, max(load_time_stamp) AS last, "
            "min(rec_count) AS low, max(rec_count) AS high FROM signals_history WHERE loader_code = %s", (code,))
        assert stats["n"] >= 30 * 288 * series - series
        assert (stats["last"] - stats["first"]).days >= 29
        assert stats["high"] > 1.5 * stats["low"]  # a daily cycle, not a flat line
    segments = seeded.fetch_all("SELECT DISTINCT segment_code FROM signals_history "
                                "WHERE loader_code = 'DEMO_PAYMENTS'")
    assert {r["segment_code"] for r in segments} == {"CARD", "WALLET"}


def test_a_demo_loader_runs_on_its_source_and_writes_the_current_minute(seeded, operator, viewer):
    preview = operator.post(f"{LOADERS}/DEMO_PAYMENTS/preview").body
    assert len(preview["points"]) == 2 and preview["errors"] == []
    loaders_queue.purge()
    execution_id = operator.post(f"{LOADERS}/DEMO_LOGINS/run").body["executionId"]
    loaders_queue.drain()
    run = next(e for e in viewer.get(f"{LOADERS}/DEMO_LOGINS/executions").body["items"] if e["id"] == execution_id)
    assert run["status"] == "SUCCESS" and run["rows"] == 1
    assert seeded.scalar("SELECT count(*) FROM signals_history WHERE loader_code = 'DEMO_LOGINS' "
                         "AND load_time_stamp = date_trunc('minute', now())") == 1


def test_seeding_again_changes_nothing(seeded):
    before = seeded.fetch_one("SELECT (SELECT count(*) FROM source_databases) AS sources, "
                              "(SELECT count(*) FROM loaders) AS loaders, "
                              "(SELECT count(*) FROM signals_history WHERE loader_code LIKE 'DEMO%%') AS points")
    demo.seed(seeded, database_url=str(get_settings().database_url), connect_timeout=5)
    after = seeded.fetch_one("SELECT (SELECT count(*) FROM source_databases) AS sources, "
                             "(SELECT count(*) FROM loaders) AS loaders, "
                             "(SELECT count(*) FROM signals_history WHERE loader_code LIKE 'DEMO%%') AS points")
    assert after == before
