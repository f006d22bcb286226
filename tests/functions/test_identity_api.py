"""Sign-in, token rotation, sign-out, the users API and input validation."""

from __future__ import annotations

import time
import uuid

import jwt

from tests.support.identity import make_user
from vigil.identity.models import Role
from vigil.settings import get_settings


def _login(client, username, password, ip="10.9.9.9"):
    return client.__class__(client._client.application, client_ip=ip).post(
        "/api/v1/auth/login", {"username": username, "password": password})


def test_login_returns_tokens_and_the_user(client):
    user = make_user(Role.OPERATOR)
    result = client.post("/api/v1/auth/login", {"username": user.username, "password": user.password})
    assert result.status == 200, result
    body = result.body
    assert body["user"] == {**body["user"], "username": user.username, "role": "OPERATOR", "id": user.id}
    assert body["expiresIn"] == get_settings().jwt_access_ttl_seconds
    me = client.as_user(body["accessToken"]).get("/api/v1/auth/me")
    assert me.status == 200 and me.body["username"] == user.username
    from vigil.db import get_database

    row = get_database().fetch_one("SELECT actor, actor_role FROM audit_log WHERE action = 'auth.login' "
                                   "AND entity_id = %s ORDER BY id DESC LIMIT 1", (user.id,))
    assert row == {"actor": user.username, "actor_role": "OPERATOR"}  # who signed in, not "anonymous"


def test_wrong_password_and_unknown_user_look_the_same(client):
    user = make_user(Role.VIEWER)
    wrong = client.post("/api/v1/auth/login", {"username": user.username, "password": "nope-nope"})
    unknown = client.post("/api/v1/auth/login", {"username": "ghost-" + uuid.uuid4().hex, "password": "x"})
    assert wrong.status == unknown.status == 401
    assert wrong.body["error"]["message"] == unknown.body["error"]["message"]


def test_repeated_failures_lock_the_username_with_retry_after(client):
    user = make_user(Role.VIEWER)
    for _ in range(get_settings().login_max_failures):
        assert _login(client, user.username, "wrong-password").status == 401
    locked = _login(client, user.username, user.password)
    assert locked.status == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "too many failed sign-in attempts" in locked.body["error"]["message"]


def test_refresh_rotates_and_reuse_revokes_the_family(client):
    user = make_user(Role.VIEWER)
    first = client.post("/api/v1/auth/login", {"username": user.username, "password": user.password}).body
    second = client.post("/api/v1/auth/refresh", {"refreshToken": first["refreshToken"]})
    assert second.status == 200
    assert second.body["refreshToken"] != first["refreshToken"]
    # replaying the spent token revokes every token of the family, including the new one
    replay = client.post("/api/v1/auth/refresh", {"refreshToken": first["refreshToken"]})
    assert replay.status == 401
    assert client.post("/api/v1/auth/refresh", {"refreshToken": second.body["refreshToken"]}).status == 401


def test_logout_revokes_the_refresh_token(client):
    user = make_user(Role.VIEWER)
    pair = client.post("/api/v1/auth/login", {"username": user.username, "password": user.password}).body
    assert client.post("/api/v1/auth/logout", {"refreshToken": pair["refreshToken"]}).status == 204
    assert client.post("/api/v1/auth/refresh", {"refreshToken": pair["refreshToken"]}).status == 401


def test_admin_manages_users_and_changes_take_effect_at_once(admin, client):
    name = "alice-" + uuid.uuid4().hex[:6]
    created = admin.post("/api/v1/admin/users", {"username": name, "password": "s3cret-pass", "role": "VIEWER",
                                                  "email": f"{name}@example.com"})
    assert created.status == 201, created
    assert "password" not in created.body and "passwordHash" not in created.body
    uid = created.body["id"]
    assert admin.post("/api/v1/admin/users", {"username": name, "password": "s3cret-pass",
                                              "role": "VIEWER"}).status == 409

    token = client.post("/api/v1/auth/login", {"username": name, "password": "s3cret-pass"}).body["accessToken"]
    alice = client.as_user(token)
    assert alice.get("/api/v1/audit").status == 403

    listed = admin.get("/api/v1/admin/users", query={"q": name})
    assert listed.body["total"] == 1 and listed.body["items"][0]["email"] == f"{name}@example.com"

    promoted = admin.put(f"/api/v1/admin/users/{uid}", {"role": "OPERATOR"})
    assert promoted.status == 200 and promoted.body["role"] == "OPERATOR"
    time.sleep(1.01)  # the old token predates the change
    assert alice.get("/api/v1/auth/me").status == 401  # re-sign-in picks up the new role

    assert admin.put(f"/api/v1/admin/users/{uid}", {"disabled": True}).status == 200
    assert client.post("/api/v1/auth/login", {"username": name, "password": "s3cret-pass"}).status == 401

    assert admin.put(f"/api/v1/admin/users/{uid}", {"disabled": False}).status == 200
    assert admin.post(f"/api/v1/admin/users/{uid}/reset-password", {"password": "brand-new-pass"}).status == 204
    assert client.post("/api/v1/auth/login", {"username": name, "password": "brand-new-pass"}).status == 200


def test_an_admin_cannot_lock_themselves_out(client):
    me = make_user(Role.ADMIN)
    result = client.as_user(me.token).put(f"/api/v1/admin/users/{me.id}", {"disabled": True})
    assert result.status == 409


def test_bad_input_gets_field_level_400s(admin, client):
    malformed = client.request("POST", "/api/v1/auth/login", data="{nope", headers={"Content-Type": "application/json"})
    assert malformed.status == 400 and "not valid JSON" in malformed.body["error"]["message"]

    missing = admin.post("/api/v1/admin/users", {"username": "bob"})
    fields = {d["field"] for d in missing.body["error"]["details"]}
    assert missing.status == 400 and {"body.password", "body.role"} <= fields

    wrong = admin.post("/api/v1/admin/users", {"username": "b" * 200, "password": 12, "role": "ROOT"})
    fields = {d["field"] for d in wrong.body["error"]["details"]}
    assert wrong.status == 400 and {"body.username", "body.password", "body.role"} <= fields

    unknown_param = admin.get("/api/v1/admin/users", query={"colour": "blue"})
    assert unknown_param.status == 400 and unknown_param.body["error"]["details"][0]["field"] == "query.colour"

    bad_page = admin.get("/api/v1/admin/users", query={"size": "100000"})
    assert bad_page.status == 400 and bad_page.body["error"]["details"][0]["field"] == "query.size"


def test_expired_tokens_are_refused_beyond_the_leeway(client, users):
    s = get_settings()
    base = {"sub": users["ADMIN"].id, "username": "x", "role": "ADMIN", "typ": "access", "iss": s.jwt_issuer}
    secret = s.jwt_secret.get_secret_value()
    now = int(time.time())
    within = jwt.encode({**base, "iat": now - 1000, "exp": now - s.jwt_leeway_seconds + 5}, secret, "HS256")
    beyond = jwt.encode({**base, "iat": now - 1000, "exp": now - s.jwt_leeway_seconds - 5}, secret, "HS256")
    forged = jwt.encode({**base, "iat": now, "exp": now + 600}, "another-secret-" + "y" * 40, "HS256")
    assert client.as_user(within).get("/api/v1/auth/me").status == 200
    assert client.as_user(beyond).get("/api/v1/auth/me").status == 401
    assert client.as_user(forged).get("/api/v1/auth/me").status == 401
