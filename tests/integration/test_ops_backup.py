"""`vigil backup` then `vigil restore` into an empty database and empty buckets reproduces the
data; a restore over data, or from a damaged backup, changes nothing."""

from __future__ import annotations

import json

import pytest

from vigil import aws, db
from vigil import settings as settings_mod
from vigil.local.runtime import reset_adapters
from vigil.ops import backup
from vigil.platform.resources import load


def _fingerprint(database: db.Database) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of every table (partitions included)."""
    tables = database.fetch_all(
        "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables "
        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'"
    )
    out: dict[str, tuple[int, str]] = {}
    for t in sorted(r["name"] for r in tables):
        row = database.fetch_one(
            f"SELECT count(*) AS n, coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS d FROM {t} x"
        )
        out[t] = (row["n"], row["d"])
    return out


def _objects(bucket: str) -> dict[str, tuple[bytes, str]]:
    s3 = aws.client("s3")
    found = {}
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        obj = s3.get_object(Bucket=bucket, Key=item["Key"])
        found[item["Key"]] = (obj["Body"].read(), obj["ContentType"])
    return found


@pytest.fixture
def restore_target(services):
    """An empty database and a fresh resource prefix (so fresh, empty buckets)."""
    name = f"{services.database_name}_restore"
    db.admin_execute(services.admin_url,
                     [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'])
    target = services.settings.model_copy(update={
        "database_url": db.with_database(services.admin_url, name),
        "resource_prefix": f"r{services.run_id}-",
    })
    yield target
    settings_mod.configure(services.settings)
    reset_adapters()
    db.admin_execute(services.admin_url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


def _use(settings) -> None:
    settings_mod.configure(settings)
    reset_adapters()


SOURCE_OBJECTS = {"attachments": {"backup-test/1/log.txt": (b"line 1\nline 2\n", "text/plain"),
                                  "backup-test/1/shot.png": (bytes(range(256)) * 4, "image/png")},
                  "rca-reports": {"backup-test/rca.pdf": (b"%PDF-1.4 fake", "application/pdf")}}


@pytest.fixture
def source_objects(services):
    """Objects in two of the run's buckets, removed afterwards (other tests share the buckets)."""
    s3 = aws.client("s3")
    for logical, objects in SOURCE_OBJECTS.items():
        for key, (body, ctype) in objects.items():
            s3.put_object(Bucket=services.settings.resource_name(logical), Key=key, Body=body, ContentType=ctype)
    yield SOURCE_OBJECTS
    for logical, objects in SOURCE_OBJECTS.items():
        for key in objects:
            s3.delete_object(Bucket=services.settings.resource_name(logical), Key=key)


def test_backup_then_restore_into_empty_targets_reproduces_the_data(services, users, source_objects,
                                                                     restore_target, tmp_path):
    # GIVEN a database with users and an audit trail, and objects in two buckets
    source = source_objects
    before = _fingerprint(db.get_database())
    assert before["public.users"][0] >= 3
    before_objects = {b: _objects(services.settings.resource_name(b)) for b in source}

    # WHEN it is backed up and restored into an empty database and empty buckets
    manifest = backup.backup(tmp_path / "bk", definition=load())
    assert manifest["database"]["pgDumpMajor"] >= manifest["database"]["serverMajor"]
    _use(restore_target)
    assert _fingerprint(db.get_database()) == {}
    result = backup.restore(tmp_path / "bk")

    # THEN every table holds the same rows and every object came back with its content type
    assert _fingerprint(db.get_database()) == before
    for logical in source:
        assert result["buckets"][logical]["bucket"] == restore_target.resource_name(logical)
        assert _objects(restore_target.resource_name(logical)) == before_objects[logical]

    # AND a second restore over the now non-empty target is refused
    with pytest.raises(ValueError, match="not empty"):
        backup.restore(tmp_path / "bk")
    assert _fingerprint(db.get_database()) == before


def test_a_damaged_backup_is_refused_before_anything_is_written(services, restore_target, tmp_path):
    backup.backup(tmp_path / "bk", definition=load())
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    with open(tmp_path / "bk" / manifest["database"]["file"], "r+b") as fh:
        fh.seek(100)
        fh.write(b"garbage")
    _use(restore_target)
    with pytest.raises(ValueError, match="damaged"):
        backup.restore(tmp_path / "bk")
    assert _fingerprint(db.get_database()) == {}


def test_backup_refuses_a_non_empty_directory(services, tmp_path):
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "other").write_text("x")
    with pytest.raises(ValueError, match="not empty"):
        backup.backup(tmp_path / "bk", definition=load())


def test_postgres_16_is_dumped_and_restored_with_tools_new_enough(services, tmp_path):
    """The embedded database is PostgreSQL 16 while the client tools on PATH may be 15: the
    backup must pick 16 tools for it (pg_dump refuses a newer server)."""
    from vigil.local.embedded import Embedded
    from vigil.platform.resources import ResourceDefinition

    embedded = Embedded()
    try:
        url = embedded.postgres(tmp_path / "pg16")
        db.admin_execute(url, ['CREATE DATABASE "src16"', 'CREATE DATABASE "dst16"'])
        src, dst = db.with_database(url, "src16"), db.with_database(url, "dst16")
        db.admin_execute(src, ["CREATE TABLE readings (id int PRIMARY KEY, v text, at timestamptz DEFAULT now())",
                               "INSERT INTO readings (id, v) SELECT g, md5(g::text) FROM generate_series(1, 200) g"])
        _use(services.settings.model_copy(update={"database_url": src}))
        before = _fingerprint(db.get_database())
        manifest = backup.backup(tmp_path / "bk", definition=ResourceDefinition())
        assert manifest["database"]["serverMajor"] == 16
        assert manifest["database"]["pgDumpMajor"] >= 16
        _use(services.settings.model_copy(update={"database_url": dst}))
        backup.restore(tmp_path / "bk")
        assert _fingerprint(db.get_database()) == before and before["public.readings"][0] == 200
    finally:
        _use(services.settings)
        embedded.stop()
