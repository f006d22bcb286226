"""Source databases through the API, against a real PostgreSQL and a real MariaDB: encrypted
passwords, read-only compliance of a read-only and a read-write account on each, connection
tests, the ADMIN override, roles and the audit trail."""

from __future__ import annotations

SOURCES = "/api/v1/admin/res/db-sources"


def _codes(source: dict) -> set[str]:
    return {f["code"] for f in source["complianceFindings"]}


def test_a_read_only_postgres_account_is_compliant_and_its_password_is_encrypted(admin, pg, db):
    # WHEN an ADMIN adds a source with the read-only account
    r = admin.post(SOURCES, pg.body(pg.read_only))
    # THEN it is stored, masked, and inspected as compliant
    assert r.status == 201, r
    body = r.body
    assert body["password"] == "***"
    assert body["readOnlyCompliant"] is True and body["complianceFindings"] == []
    assert body["runnable"] is True and body["complianceCheckedAt"]
    stored = db.fetch_one("SELECT password_enc FROM source_databases WHERE id = %s", (body["id"],))
    assert stored["password_enc"].startswith("enc:v1:") and pg.read_only.password not in stored["password_enc"]
    assert admin.get(f"{SOURCES}/{body['id']}").body["password"] == "***"
    # AND the audit row never holds the password
    audit = db.fetch_one("SELECT after FROM audit_log WHERE action = 'source.create' AND entity_id = %s",
                         (body["id"],))
    assert audit["after"]["password"] == "***"
    assert pg.read_only.password not in str(audit["after"])


def test_a_read_write_postgres_account_is_not_compliant_with_findings(admin, pg):
    r = admin.post(SOURCES, pg.body(pg.read_write))
    assert r.status == 201, r
    assert r.body["readOnlyCompliant"] is False and r.body["runnable"] is False
    assert {"WRITE_ON_TABLE", "CREATE_ON_SCHEMA"} <= _codes(r.body)
    write = next(f for f in r.body["complianceFindings"] if f["code"] == "WRITE_ON_TABLE")
    assert write["object"] == "public.payments" and "INSERT" in write["message"]


def test_a_superuser_is_reported(admin, pg):
    body = pg.body(pg.read_only) | {"userName": "postgres", "password": "unused"}
    r = admin.post(SOURCES, body)
    assert r.status == 201
    assert "SUPERUSER" in _codes(r.body) and r.body["readOnlyCompliant"] is False


def test_mysql_accounts_are_judged_by_their_grants(admin, my):
    ro = admin.post(SOURCES, my.body(my.read_only))
    rw = admin.post(SOURCES, my.body(my.read_write))
    assert ro.status == 201 and rw.status == 201, (ro, rw)
    assert ro.body["readOnlyCompliant"] is True, ro.body["complianceFindings"]
    assert rw.body["readOnlyCompliant"] is False
    privileges = {f["message"].split(" on ")[0].removeprefix("the account holds ")
                  for f in rw.body["complianceFindings"] if f["code"] == "PRIVILEGE"}
    assert {"INSERT", "UPDATE", "DELETE"} <= privileges
    assert all(my.db_name in f["object"] for f in rw.body["complianceFindings"] if f["code"] == "PRIVILEGE")


def test_connection_test_and_password_kept_when_omitted_or_masked(admin, my):
    created = admin.post(SOURCES, my.body(my.read_only)).body
    path = f"{SOURCES}/{created['id']}"
    ok = admin.post(f"{path}/test")
    assert ok.status == 200 and ok.body["ok"] is True and "MariaDB" in ok.body["serverVersion"]
    # "***" and an omitted password both keep the stored one: the test still connects
    assert admin.put(path, {"password": "***", "name": created["name"] + "-x"}).status == 200
    assert admin.put(path, {"port": my.port}).status == 200
    assert admin.post(f"{path}/test").body["ok"] is True
    # a wrong password is stored, the test fails and compliance cannot be proven
    assert admin.put(path, {"password": "definitely-wrong"}).status == 200
    failed = admin.post(f"{path}/test").body
    assert failed["ok"] is False and "Access denied" in failed["error"]
    assert failed["source"]["readOnlyCompliant"] is False
    assert _codes(failed["source"]) == {"INSPECTION_FAILED"}


def test_an_unreachable_source_is_created_but_not_runnable(admin):
    body = {"name": "nowhere", "type": "postgresql", "host": "127.0.0.1", "port": 1, "dbName": "x",
            "userName": "u", "password": "p"}
    r = admin.post(SOURCES, body)
    assert r.status == 201
    assert r.body["readOnlyCompliant"] is False and _codes(r.body) == {"INSPECTION_FAILED"}


def test_admin_override_is_recorded_audited_and_cleared_by_a_connection_change(admin, operator, pg, db):
    source = admin.post(SOURCES, pg.body(pg.read_write)).body
    path = f"{SOURCES}/{source['id']}/compliance-override"
    assert operator.post(path, {"reason": "operators may not"}).status == 403
    assert admin.post(path, {"reason": "no"}).status == 400  # too short to be a reason
    r = admin.post(path, {"reason": "legacy reporting account, writes revoked next sprint"})
    assert r.status == 200
    assert r.body["runnable"] is True and r.body["readOnlyCompliant"] is False
    assert r.body["complianceOverride"]["by"].startswith("admin")
    assert "legacy reporting" in r.body["complianceOverride"]["reason"]
    audit = db.fetch_one("SELECT actor, after FROM audit_log WHERE action = 'source.compliance_override' "
                         "AND entity_id = %s", (source["id"],))
    assert audit["after"]["complianceOverride"]["reason"].startswith("legacy reporting")
    # changing the account the source connects as drops the override
    changed = admin.put(f"{SOURCES}/{source['id']}", {"userName": pg.read_only.user,
                                                       "password": pg.read_only.password}).body
    assert changed["complianceOverride"] is None and changed["readOnlyCompliant"] is True


def test_roles_validation_and_listing(admin, operator, viewer, pg):
    body = pg.body(pg.read_only)
    assert operator.post(SOURCES, body).status == 403
    assert viewer.get(SOURCES).status == 403
    bad = admin.post(SOURCES, body | {"type": "oracle"})
    assert bad.status == 400 and bad.body["error"]["details"][0]["field"] == "body.type"
    assert admin.post(SOURCES, body | {"port": 70000}).status == 400
    created = admin.post(SOURCES, body).body
    assert admin.post(SOURCES, body).status == 409  # same name
    listed = operator.get(SOURCES, query={"q": created["name"]})
    assert listed.status == 200 and listed.body["total"] == 1
    assert listed.body["items"][0]["password"] == "***"
    assert admin.get(f"{SOURCES}/not-a-uuid").status == 404
    assert operator.delete(f"{SOURCES}/{created['id']}").status == 403
    assert admin.delete(f"{SOURCES}/{created['id']}").status == 204
    assert admin.get(f"{SOURCES}/{created['id']}").status == 404
