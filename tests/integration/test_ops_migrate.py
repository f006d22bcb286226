"""The AWS database migrator: as a CloudFormation custom resource it migrates and answers the
presigned response URL (a real HTTP server here), failures are reported, deletes touch nothing;
invoked directly it creates the first admin."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from vigil import db
from vigil import settings as settings_mod
from vigil.local.runtime import reset_adapters
from vigil.migrations import discover
from vigil.ops.migrate_handler import handler


@pytest.fixture
def response_url():
    """A stand-in for CloudFormation's presigned S3 URL: records each PUT."""
    received: list[dict] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_PUT(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"body": json.loads(body), "contentType": self.headers.get("Content-Type")})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/cfn-response?X-Amz-Signature=x", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def empty_database(services):
    name = f"{services.database_name}_mig"
    db.admin_execute(services.admin_url,
                     [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'])
    settings_mod.configure(services.settings.model_copy(update={"database_url": db.with_database(services.admin_url,
                                                                                                  name)}))
    reset_adapters()
    yield db.get_database()
    settings_mod.configure(services.settings)
    reset_adapters()
    db.admin_execute(services.admin_url, [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


def _event(kind: str, url: str) -> dict:
    return {"RequestType": kind, "ResponseURL": url, "StackId": "arn:aws:cloudformation:::stack/vigil-t/1",
            "RequestId": f"req-{kind}", "LogicalResourceId": "DatabaseMigrations",
            "ResourceProperties": {"MigrationsVersion": "x"}}


def test_create_migrates_and_answers_cloudformation(empty_database, response_url):
    url, received = response_url
    handler(_event("Create", url))
    answer = received[-1]
    assert answer["contentType"] == ""  # presigned S3 PUTs are signed without a content type
    assert answer["body"]["Status"] == "SUCCESS"
    assert answer["body"]["PhysicalResourceId"] == "vigil-database-migrations"
    assert answer["body"]["RequestId"] == "req-Create"
    versions = {r["version"] for r in empty_database.fetch_all("SELECT version FROM schema_migrations")}
    assert versions == {m.version for m in discover()}
    assert len(answer["body"]["Data"]["Applied"].split(",")) == len(versions)

    # an update with nothing new applies nothing; a delete never touches the data
    handler(_event("Update", url))
    assert received[-1]["body"]["Status"] == "SUCCESS" and received[-1]["body"]["Data"]["Applied"] == "-"
    handler(_event("Delete", url))
    assert received[-1]["body"]["Status"] == "SUCCESS"
    assert empty_database.scalar("SELECT count(*) FROM schema_migrations") == len(versions)


def test_a_failure_is_reported_to_cloudformation_with_its_reason(empty_database, response_url):
    url, received = response_url
    handler({"action": "migrate"})
    # GIVEN an applied migration whose file no longer matches what was applied
    first = min(m.version for m in discover())
    empty_database.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = %s", (first,))
    handler(_event("Update", url))
    assert received[-1]["body"]["Status"] == "FAILED"
    assert "EditedMigration" in received[-1]["body"]["Reason"]


def test_direct_invocation_creates_the_first_admin_once(empty_database):
    assert handler({"action": "migrate"})["applied"]
    with pytest.raises(ValueError, match="12 characters"):
        handler({"action": "ensure-admin", "password": "short"})
    handler({"action": "ensure-admin", "password": "a-long-first-password"})
    handler({"action": "ensure-admin", "password": "another-long-password"})
    rows = empty_database.fetch_all("SELECT username, role FROM users")
    assert rows == [{"username": "admin", "role": "ADMIN"}]
    with pytest.raises(ValueError, match="action"):
        handler({"action": "drop-everything"})
