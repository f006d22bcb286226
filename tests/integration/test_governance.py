"""Rate limits, the append-only audit trail, CORS and key rotation on real services."""

from __future__ import annotations

import base64
import os
import uuid

import pytest

from tests.support.identity import make_user
from vigil import crypto
from vigil import settings as settings_mod
from vigil.db import DatabaseError
from vigil.governance import ratelimit
from vigil.governance.reencrypt import reencrypt_all
from vigil.identity.models import Role


@pytest.fixture
def limits(services):
    """Production limits for the duration of one test."""
    previous = settings_mod.get_settings()
    settings_mod.configure(previous.model_copy(update={"rate_limit_per_minute": 100,
                                                       "anonymous_rate_limit_per_minute": 60}))
    yield
    settings_mod.configure(previous)


def test_the_101st_call_in_a_minute_is_429_with_retry_after(limits, client):
    user = make_user(Role.VIEWER)
    me = client.as_user(user.token)
    statuses = [me.get("/api/v1/auth/me").status for _ in range(100)]
    assert statuses == [200] * 100
    blocked = me.get("/api/v1/auth/me")
    assert blocked.status == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    # another user is not affected
    assert client.as_user(make_user(Role.VIEWER).token).get("/api/v1/auth/me").status == 200


def test_anonymous_calls_are_limited_per_client_address(limits, client):
    from tests.support.client import ApiClient

    ip_a = ApiClient(client._client.application, client_ip="10.1.1.1")
    ip_b = ApiClient(client._client.application, client_ip="10.1.1.2")
    assert [ip_a.get("/api/v1/openapi.json").status for _ in range(60)] == [200] * 60
    assert ip_a.get("/api/v1/openapi.json").status == 429
    assert ip_b.get("/api/v1/openapi.json").status == 200
    # signed webhooks prove themselves per request and are not starved by the address limit
    refused = ip_a.post("/api/v1/integrations/jira/webhook", {"webhookEvent": "x"})
    assert refused.status in (401, 409)  # judged on its signature / configuration, never 429


def test_the_window_recovers(store):
    subject = "window-" + uuid.uuid4().hex
    t0 = 1_000_000.0
    assert all(ratelimit.hit(store, subject, limit=100, window_seconds=60, now=t0 + i * 0.1) == 0
               for i in range(100))
    wait = ratelimit.hit(store, subject, limit=100, window_seconds=60, now=t0 + 20)
    assert wait == pytest.approx(40.0, abs=0.01)  # until the first call leaves the window
    assert ratelimit.hit(store, subject, limit=100, window_seconds=60, now=t0 + 60.05) == 0


def test_each_mutation_writes_one_audit_row_with_before_and_after(admin, db):
    name = "carol-" + uuid.uuid4().hex[:6]
    created = admin.post("/api/v1/admin/users", {"username": name, "password": "pass-word-1", "role": "VIEWER"})
    uid = created.body["id"]
    admin.put(f"/api/v1/admin/users/{uid}", {"role": "OPERATOR"})
    rows = db.fetch_all("SELECT * FROM audit_log WHERE entity_id = %s ORDER BY id", (uid,))
    assert [r["action"] for r in rows] == ["user.create", "user.update"]
    create, update = rows
    assert create["after"]["username"] == name and create["before"] is None
    assert update["before"]["role"] == "VIEWER" and update["after"]["role"] == "OPERATOR"
    assert create["actor_role"] == "ADMIN" and create["request_id"] and create["client_ip"] == "127.0.0.1"
    assert "pass-word-1" not in str(rows)

    listed = admin.get("/api/v1/audit", query={"entityId": uid, "size": 1})
    assert listed.body["total"] == 2 and listed.body["items"][0]["action"] == "user.update"


def test_the_audit_trail_cannot_be_changed_or_deleted(db):
    db.execute("INSERT INTO audit_log (actor, action, entity_type) VALUES ('t', 'test', 'x')")
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(DatabaseError, match="append-only"):
            db.execute(statement)
    assert db.scalar("SELECT count(*) FROM audit_log WHERE actor = 'mallory'") == 0


def test_cors_answers_only_configured_origins(client):
    allowed = "http://localhost:5173"
    pre = client.request("OPTIONS", "/api/v1/auth/login", headers={
        "Origin": allowed, "Access-Control-Request-Method": "POST"})
    assert pre.status == 204
    assert pre.headers["Access-Control-Allow-Origin"] == allowed
    assert "Authorization" in pre.headers["Access-Control-Allow-Headers"]
    evil = client.request("OPTIONS", "/api/v1/auth/login", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert evil.status == 403 and "Access-Control-Allow-Origin" not in evil.headers
    normal = client.get("/api/v1/openapi.json", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in normal.headers
    assert client.get("/api/v1/openapi.json", headers={"Origin": allowed}).headers[
        "Access-Control-Allow-Origin"] == allowed


def test_reencrypt_moves_every_secret_to_the_newest_key(services, db):
    column = crypto.register("secret_probe", "id", "value_enc")
    db.execute("CREATE TABLE IF NOT EXISTS secret_probe (id int PRIMARY KEY, value_enc text)")
    try:
        old = crypto.keyring()
        for i in range(3):
            db.execute("INSERT INTO secret_probe VALUES (%s, %s)",
                       (i, crypto.encrypt(f"secret-{i}", context=column.context, ring=old)))
        new_key = base64.b64encode(os.urandom(32)).decode()
        rotated = crypto.Keyring({**old.keys, "k2": base64.b64decode(new_key)}, "k2")
        counts = reencrypt_all(db, rotated)
        assert counts[column.context] == 3
        rows = db.fetch_all("SELECT id, value_enc FROM secret_probe ORDER BY id")
        assert all(crypto.key_id(r["value_enc"]) == "k2" for r in rows)
        assert [crypto.decrypt(r["value_enc"], context=column.context, ring=rotated) for r in rows] == [
            "secret-0", "secret-1", "secret-2"]
        assert reencrypt_all(db, rotated)[column.context] == 0  # nothing left to rotate
    finally:
        crypto.ENCRYPTED_COLUMNS.remove(column)
        db.execute("DROP TABLE secret_probe")
