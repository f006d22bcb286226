"""Migrations apply once, in order, and refuse an edited history."""

from __future__ import annotations

import shutil
import uuid

import pytest

from vigil import db as db_adapter
from vigil.migrations import EditedMigration, applied, discover, migrate
from vigil.migrations.runner import VERSIONS_DIR


@pytest.fixture
def scratch_db(services):
    name = f"vigil_mig_{uuid.uuid4().hex[:8]}"
    db_adapter.admin_execute(services.admin_url, [f'CREATE DATABASE "{name}"'])
    database = db_adapter.Database(db_adapter.with_database(services.admin_url, name), min_size=1, max_size=2)
    yield database
    database.close()
    db_adapter.admin_execute(services.admin_url, [f'DROP DATABASE "{name}" WITH (FORCE)'])


def test_every_shipped_migration_applies_once_in_order(scratch_db):
    first = migrate(scratch_db)
    assert [m.version for m in first] == sorted(m.version for m in discover())
    assert migrate(scratch_db) == []
    ledger = applied(scratch_db)
    assert sorted(ledger) == [m.version for m in first]
    assert all(len(r["checksum"]) == 64 for r in ledger.values())


def test_an_edited_applied_migration_is_refused(scratch_db, tmp_path):
    for path in sorted(VERSIONS_DIR.glob("*.sql"))[:1]:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "0900_extra.sql").write_text("CREATE TABLE extra (id int);")
    assert len(migrate(scratch_db, tmp_path)) == 2

    # WHEN an applied file changes and a new one is added
    (tmp_path / "0900_extra.sql").write_text("CREATE TABLE extra (id bigint);")
    (tmp_path / "0901_more.sql").write_text("CREATE TABLE more (id int);")

    # THEN the migrator refuses, naming the file, and applies nothing
    with pytest.raises(EditedMigration, match="0900_extra.sql"):
        migrate(scratch_db, tmp_path)
    assert 901 not in applied(scratch_db)
    assert scratch_db.scalar("SELECT to_regclass('more')") is None


def test_a_failing_migration_leaves_nothing_half_applied(scratch_db, tmp_path):
    (tmp_path / "0001_ok.sql").write_text("CREATE TABLE ok_table (id int);")
    (tmp_path / "0002_broken.sql").write_text("CREATE TABLE broken (id int); SELECT * FROM nowhere;")
    with pytest.raises(db_adapter.DatabaseError):
        migrate(scratch_db, tmp_path)
    assert applied(scratch_db) == {}
    assert scratch_db.scalar("SELECT to_regclass('ok_table')") is None
