"""Jira configuration through the API: secrets encrypted at rest and masked in responses and the
audit trail, validation naming the field, ADMIN only, and the connection test against the
double (Cloud and Data Center)."""

from __future__ import annotations

import pytest

from tests.support.jira_double import JiraDouble
from tests.support.jira_helpers import config_body
from vigil.db import get_database

CONFIG = "/api/v1/integrations/jira/config"


@pytest.fixture(scope="module")
def cloud(services):
    d = JiraDouble("CLOUD", project="CONF").start()
    yield d
    d.stop()


@pytest.fixture(scope="module")
def datacenter(services):
    d = JiraDouble("DATA_CENTER", project="CONF").start()
    yield d
    d.stop()


def _stored() -> dict:
    return get_database().fetch_one("SELECT * FROM jira_config WHERE id = 1")


def test_put_then_get_masks_secrets_and_stores_them_encrypted(admin, cloud):
    body = config_body(cloud)
    put = admin.put(CONFIG, body)
    assert put.status == 200, put
    assert put.body["apiToken"] == "***" and put.body["webhookSecret"] == "***"
    assert put.body["personalAccessToken"] is None
    assert put.body["statusMap"]["toJira"]["RESOLVED"] == "Done"
    got = admin.get(CONFIG)
    assert got.status == 200 and got.body["apiToken"] == "***" and got.body["email"] == cloud.email
    raw = got.raw.decode() + put.raw.decode()
    assert cloud.api_token not in raw and body["webhookSecret"] not in raw
    stored = _stored()
    assert stored["api_token_enc"].startswith("enc:v1:") and cloud.api_token not in stored["api_token_enc"]
    assert stored["webhook_secret_enc"].startswith("enc:v1:")
    audit = get_database().fetch_all(
        "SELECT before, after FROM audit_log WHERE action = 'jira.config.update' ORDER BY id DESC LIMIT 1")
    assert audit and cloud.api_token not in str(audit[0]) and body["webhookSecret"] not in str(audit[0])


def test_masked_secrets_keep_their_stored_value(admin, cloud):
    admin.put(CONFIG, config_body(cloud))
    before = _stored()
    body = {**config_body(cloud), "apiToken": "***", "webhookSecret": "***", "issueType": "Bug"}
    assert admin.put(CONFIG, body).status == 200
    after = _stored()
    assert after["api_token_enc"] == before["api_token_enc"]
    assert after["webhook_secret_enc"] == before["webhook_secret_enc"]
    assert after["issue_type"] == "Bug"
    assert admin.post("/api/v1/integrations/jira/test").body["ok"] is True  # the kept token still works


@pytest.mark.parametrize(("change", "field"), [
    ({"deploymentType": "DATA_CENTER", "personalAccessToken": None}, "body.personalAccessToken"),
    ({"priorityMap": {"URGENT": "Highest"}}, "body.priorityMap"),
    ({"statusMap": {"toJira": {"OPEN": "To Do"}, "fromJira": {}}}, "body.statusMap.toJira"),
    ({"statusMap": {"toJira": {}, "fromJira": {"Done": "FINISHED"}}}, "body.statusMap.fromJira"),
    ({"baseUrl": "ftp://jira"}, "body.baseUrl"),
    ({"projectKey": "ops"}, "body.projectKey"),
    ({"webhookSecret": "short"}, "body"),
    ({"surprise": 1}, "body.surprise"),
])
def test_bad_configuration_is_a_400_naming_the_field(admin, cloud, change, field):
    before = _stored()
    result = admin.put(CONFIG, {**config_body(cloud), **change})
    assert result.status == 400, result
    assert field in [d["field"] for d in result.body["error"]["details"]]
    assert _stored() == before  # nothing written


def test_only_admins_see_or_change_the_configuration(operator, viewer, cloud):
    assert operator.get(CONFIG).status == 403
    assert operator.put(CONFIG, config_body(cloud)).status == 403
    assert viewer.post("/api/v1/integrations/jira/test").status == 403


def test_connection_test_checks_credentials_project_and_mappings(admin, cloud):
    admin.put(CONFIG, config_body(cloud))
    report = admin.post("/api/v1/integrations/jira/test")
    assert report.status == 200, report
    assert report.body["ok"] is True and report.body["account"] == cloud.user_id("bot")
    assert {c["name"] for c in report.body["checks"]} == {
        "server", "credentials", "project", "issueType", "statuses", "priorities"}
    assert _stored()["integration_account"] == cloud.user_id("bot")

    bad = {**config_body(cloud), "priorityMap": {"CRITICAL": "Blocker"}, "issueType": "Epic",
           "statusMap": {"toJira": {"RESOLVED": "Fixed"}, "fromJira": {}}}
    admin.put(CONFIG, bad)
    report = admin.post("/api/v1/integrations/jira/test").body
    failed = {c["name"]: c["message"] for c in report["checks"] if not c["ok"]}
    assert report["ok"] is False
    assert set(failed) == {"issueType", "statuses", "priorities"}
    assert "Blocker" in failed["priorities"] and "Fixed" in failed["statuses"]


def test_connection_test_reports_wrong_credentials(admin, cloud):
    admin.put(CONFIG, {**config_body(cloud), "apiToken": "wrong-token"})
    report = admin.post("/api/v1/integrations/jira/test").body
    assert report["ok"] is False
    creds = next(c for c in report["checks"] if c["name"] == "credentials")
    assert creds["ok"] is False and "401" in creds["message"]


def test_connection_test_on_data_center(admin, datacenter):
    assert admin.put(CONFIG, config_body(datacenter)).status == 200
    assert admin.get(CONFIG).body["personalAccessToken"] == "***"
    report = admin.post("/api/v1/integrations/jira/test").body
    assert report["ok"] is True and report["account"] == "bot.dc"
    assert all(r.path.startswith("/rest/api/2/") for r in datacenter.requests)
