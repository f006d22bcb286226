"""Incident → Jira against the Jira double (Cloud and Data Center): the issue is created once
under redelivery and under a crash between Jira's answer and our write; status, assignee and
notes follow the incident; retries, the DLQ with its reason, and manual re-sync."""

from __future__ import annotations

import json

import pytest

from tests.support.jira_double import JiraDouble
from tests.support.jira_helpers import (
    QUEUE,
    configure,
    created_event,
    deliver,
    dlq_messages,
    fast_retries,
    mapping,
    new_incident,
    updated_event,
)
from tests.support.queues import purge
from vigil.db import get_database
from vigil.incidents import service as incidents
from vigil.incidents.models import Status
from vigil.integrations.jira import repository as repo
from vigil.integrations.jira.mapping import label


@pytest.fixture(scope="module")
def cloud(services):
    double = JiraDouble("CLOUD").start()
    yield double
    double.stop()


@pytest.fixture
def jira(cloud, users):
    purge(QUEUE)
    cloud.reset()
    configure(cloud, user_map={users["OPERATOR"].username: cloud.user_id("olivia")},
              integration_account=cloud.user_id("bot"))
    return cloud


def test_incident_created_makes_one_issue_with_description_priority_labels_and_link(jira, users):
    incident_id = new_incident("Checkout errors", severity="CRITICAL", assignee=users["OPERATOR"].username,
                               description="5xx on /checkout")
    deliver(created_event(incident_id))

    assert len(jira.creates) == 1
    fields = jira.creates[0].body["fields"]
    assert fields["summary"].endswith("Checkout errors") and fields["summary"].startswith("[INC-")
    assert fields["priority"] == {"name": "Highest"}
    assert fields["assignee"] == {"accountId": jira.user_id("olivia")}
    assert label(incident_id) in fields["labels"]
    doc = json.dumps(fields["description"])
    assert fields["description"]["type"] == "doc"  # ADF on Cloud
    assert "5xx on /checkout" in doc and f"/incidents/{incident_id}" in doc
    key = next(iter(jira.issues))
    row = mapping(incident_id)
    assert row["status"] == "SYNCED" and row["jira_key"] == key
    assert row["jira_url"] == f"{jira.url}/browse/{key}"
    # the Jira link shows in the incident's details
    detail = incidents.get_detail(get_database(), incident_id=incident_id)
    assert detail.external_ticket is not None and detail.external_ticket.key == key


def test_redelivery_of_the_same_or_another_created_message_creates_no_second_issue(jira):
    incident_id = new_incident("Redelivered")
    event = created_event(incident_id)
    deliver(event)
    deliver(event, receive_count=2)  # same message again: the consumer's idempotency
    deliver(created_event(incident_id))  # a new message for the same incident: our guard row
    assert len(jira.creates) == 1
    assert [k for k, i in jira.issues.items() if label(incident_id) in i["fields"]["labels"]] == [
        mapping(incident_id)["jira_key"]]


def test_a_crash_between_the_jira_call_and_our_write_does_not_create_twice(jira, monkeypatch):
    incident_id = new_incident("Crashy")
    real = repo.record_created

    def crash(*args, **kwargs):
        raise RuntimeError("worker died after Jira answered")

    monkeypatch.setattr(repo, "record_created", crash)
    with pytest.raises(RuntimeError):
        deliver(created_event(incident_id))
    assert len(jira.creates) == 1 and mapping(incident_id)["jira_key"] is None

    monkeypatch.setattr(repo, "record_created", real)
    deliver(created_event(incident_id), receive_count=2)  # SQS redelivers
    assert len(jira.creates) == 1  # found by its label and adopted
    assert len(jira.calls("GET", r"/search/jql$")) == 2
    assert mapping(incident_id)["jira_key"] == next(iter(jira.issues))


def test_status_assignee_and_notes_follow_the_incident(jira, users):
    db = get_database()
    incident_id = new_incident("Lifecycle")
    deliver(created_event(incident_id))
    key = mapping(incident_id)["jira_key"]

    incidents.change_status(db, incident_id=incident_id, status=Status.INVESTIGATING, actor="tester")
    deliver(updated_event(incident_id, {"status": {"from": "NEW", "to": "INVESTIGATING"}}))
    assert jira.issues[key]["fields"]["status"]["name"] == "In Progress"

    deliver(updated_event(incident_id, {"assignee": {"from": None, "to": users["OPERATOR"].username}}))
    assert jira.issues[key]["fields"]["assignee"] == {"accountId": jira.user_id("olivia")}

    note = updated_event(incident_id, {"note": "rolled back the deploy"})
    deliver(note)
    deliver(note, receive_count=2)
    comments = jira.issues[key]["comments"]
    assert len(comments) == 1
    assert "rolled back the deploy" in json.dumps(comments[0]["body"])

    deliver(updated_event(incident_id, {"status": {"from": "INVESTIGATING", "to": "RESOLVED"},
                                        "note": "fixed"}))
    assert jira.issues[key]["fields"]["status"]["name"] == "Done"
    assert mapping(incident_id)["pushed_status"] == "Done"


def test_changes_that_came_from_jira_are_not_pushed_back(jira):
    incident_id = new_incident("From Jira")
    deliver(created_event(incident_id))
    before = len(jira.requests)
    deliver(updated_event(incident_id, {"status": {"from": "NEW", "to": "INVESTIGATING"}}, origin="jira"))
    deliver(updated_event(incident_id, {"note": "from a Jira comment"}, origin="jira"))
    assert len(jira.requests) == before


def test_429_is_retried_honouring_retry_after_then_succeeds(jira):
    incident_id = new_incident("Throttled")
    jira.fail("429", times=2, retry_after="1", path="/issue")
    with fast_retries():
        deliver(created_event(incident_id))
    assert len(jira.creates) == 3 and mapping(incident_id)["status"] == "SYNCED"
    with get_database().session() as s:
        log, _ = repo.search_log(s, incident_id=incident_id, jira_key=None, outcome=None, limit=50, offset=0)
    creates = sorted((r["attempt"], r["outcome"], r["response_status"]) for r in log
                     if r["operation"] == "create_issue")
    assert creates == [(1, "retry", 429), (2, "retry", 429), (3, "ok", 201)]


def test_timeouts_are_retried(jira):
    incident_id = new_incident("Slow Jira")
    jira.fail("timeout", delay=1.0, path="/issue")
    with fast_retries(http_timeout_seconds=0.3):
        deliver(created_event(incident_id))
    assert mapping(incident_id)["status"] == "SYNCED"
    assert len(jira.issues) == 1  # the timed-out attempt never reached the create


def test_repeated_failures_park_the_message_in_the_dlq_with_the_reason_then_manual_resync(jira, operator):
    incident_id = new_incident("Jira down")
    jira.fail("500", times=50)
    with fast_retries():
        with pytest.raises(Exception) as first:
            deliver(created_event(incident_id))  # first delivery: raised so SQS retries it
        assert "JiraUnavailable" in type(first.value).__name__
        deliver(created_event(incident_id), receive_count=5)  # the last allowed receive
    messages = dlq_messages(expect=1)
    assert len(messages) == 1
    attrs = {k: v["StringValue"] for k, v in messages[0]["MessageAttributes"].items()}
    assert attrs["consumer"] == "integrations-jira"
    assert "JiraUnavailable" in attrs["errorReason"] and "HTTP 500" in attrs["errorReason"]
    assert json.loads(messages[0]["Body"])["payload"]["incidentId"] == incident_id
    row = mapping(incident_id)
    assert row["status"] == "FAILED" and "HTTP 500" in row["last_error"]
    assert jira.creates == []  # search failed first: nothing was created blind

    listed = operator.get("/api/v1/integrations/jira/mappings", query={"status": "FAILED"})
    assert listed.status == 200 and incident_id in [m["incidentId"] for m in listed.body["items"]]

    with fast_retries():  # still down: reported per incident, not a 5xx
        still_down = operator.post("/api/v1/integrations/jira/sync", {})
    assert still_down.status == 200 and still_down.body["synced"] == []
    assert incident_id in [f["incidentId"] for f in still_down.body["failed"]]

    jira.failures.clear()
    result = operator.post("/api/v1/integrations/jira/sync", {})
    assert result.status == 200, result
    assert incident_id in result.body["synced"] and result.body["failed"] == []
    assert len(jira.creates) == 1 and mapping(incident_id)["status"] == "SYNCED"


def test_manual_resync_of_one_incident_brings_jira_up_to_date(jira, operator):
    db = get_database()
    incident_id = new_incident("Drifted")
    deliver(created_event(incident_id))
    incidents.change_status(db, incident_id=incident_id, status=Status.INVESTIGATING, actor="tester")
    # the incident.updated was lost: Jira still shows To Do
    key = mapping(incident_id)["jira_key"]
    assert jira.issues[key]["fields"]["status"]["name"] == "To Do"
    result = operator.post("/api/v1/integrations/jira/sync", {"incidentId": incident_id})
    assert result.status == 200 and result.body["synced"] == [incident_id]
    assert jira.issues[key]["fields"]["status"]["name"] == "In Progress"
    assert len(jira.creates) == 1

    missing = operator.post("/api/v1/integrations/jira/sync", {"incidentId": "00000000-0000-0000-0000-000000000000"})
    assert missing.status == 404
    assert operator.post("/api/v1/integrations/jira/sync", {"incidentId": "nope"}).status == 400


def test_the_sync_log_is_readable_and_holds_no_secret(jira, operator, admin, viewer):
    incident_id = new_incident("Logged")
    deliver(created_event(incident_id))
    page = operator.get("/api/v1/integrations/jira/sync-log", query={"incidentId": incident_id})
    assert page.status == 200 and page.body["total"] >= 2
    ops = {e["operation"] for e in page.body["items"]}
    assert {"search_issues", "create_issue"} <= ops
    create = next(e for e in page.body["items"] if e["operation"] == "create_issue")
    assert create["request"]["fields"]["summary"].endswith("Logged")
    assert create["responseStatus"] == 201 and create["response"]["key"] == mapping(incident_id)["jira_key"]
    everything = admin.get("/api/v1/integrations/jira/sync-log", query={"size": 500})
    assert jira.api_token not in everything.raw.decode()
    assert viewer.get("/api/v1/integrations/jira/sync-log").status == 403


@pytest.fixture(scope="module")
def datacenter(services):
    double = JiraDouble("DATA_CENTER", project="ONPREM").start()
    yield double
    double.stop()


def test_data_center_uses_rest_v2_plain_text_and_usernames(datacenter, users):
    datacenter.reset()
    configure(datacenter, user_map={users["OPERATOR"].username: datacenter.user_id("olivia")})
    incident_id = new_incident("On-prem Jira", assignee=users["OPERATOR"].username)
    deliver(created_event(incident_id))
    assert len(datacenter.creates) == 1
    create = datacenter.creates[0]
    assert create.path == "/rest/api/2/issue"
    assert create.headers["Authorization"] == f"Bearer {datacenter.pat}"
    fields = create.body["fields"]
    assert isinstance(fields["description"], str) and f"/incidents/{incident_id}" in fields["description"]
    assert fields["assignee"] == {"name": "olivia.dc"}
    assert datacenter.calls("GET", r"^/rest/api/2/search$")

    deliver(updated_event(incident_id, {"note": "checked the logs"}))
    key = mapping(incident_id)["jira_key"]
    assert datacenter.issues[key]["comments"][0]["body"].startswith("tester wrote in Vigil:")


def test_retry_after_from_jira_sets_the_wait_and_other_failures_back_off(jira):
    from vigil.integrations.jira import config as config_mod
    from vigil.integrations.jira.service import client_for

    db = get_database()
    with db.session() as s:
        cfg = config_mod.load(s)
    waits: list[float] = []
    client = client_for(db, cfg, sleep=waits.append)
    jira.fail("429", retry_after="7")
    jira.fail("503")
    assert client.myself()["accountId"] == jira.user_id("bot")
    assert len(jira.calls("GET", r"/myself$")) == 3
    assert waits[0] == 7.0  # Jira's Retry-After
    assert 0.0 <= waits[1] <= 1.0  # second backoff step: jitter within base × 2


def test_a_workflow_without_the_transition_parks_the_message_at_once(jira, users):
    from tests.support.jira_helpers import config_body
    from vigil.integrations.jira.schemas import JiraConfigIn
    from vigil.integrations.jira.service import put_config

    body = config_body(jira)
    body["statusMap"]["toJira"]["INVESTIGATING"] = "Closed"  # To Do has no way to Closed
    put_config(get_database(), JiraConfigIn.model_validate(body), actor="test", audit=lambda **_: None)
    incident_id = new_incident("Odd workflow")
    deliver(created_event(incident_id))
    # a new configuration forgets the integration account; the consumer asks Jira once
    assert mapping(incident_id)["status"] == "SYNCED"
    assert len(jira.calls("GET", r"/myself$")) == 1
    deliver(updated_event(incident_id, {"status": {"from": "NEW", "to": "INVESTIGATING"}}))  # receive 1
    messages = [m for m in dlq_messages(expect=1)
                if json.loads(m["Body"])["payload"]["incidentId"] == incident_id]
    assert len(messages) == 1
    reason = messages[0]["MessageAttributes"]["errorReason"]["StringValue"]
    assert reason.startswith("NoTransition") and "Closed" in reason
    row = mapping(incident_id)
    assert row["status"] == "FAILED" and "NoTransition" in row["last_error"]
    assert len(jira.calls("GET", r"/myself$")) == 1


def test_without_a_jira_configuration_incident_events_are_acknowledged(jira):
    get_database().execute("DELETE FROM jira_config")
    incident_id = new_incident("No Jira here")
    deliver(created_event(incident_id))  # no exception: nothing to retry, nothing for the DLQ
    assert jira.requests == [] and mapping(incident_id) is None


def test_old_sync_log_entries_are_pruned(jira):
    from vigil.integrations.jira.service import prune_sync_log

    db = get_database()
    deliver(created_event(new_incident("Prunable")))
    total = db.scalar("SELECT count(*) FROM jira_sync_log")
    db.execute("UPDATE jira_sync_log SET at = now() - interval '100 days' "
               "WHERE id = (SELECT min(id) FROM jira_sync_log)")
    assert prune_sync_log(db) == 1
    assert db.scalar("SELECT count(*) FROM jira_sync_log") == total - 1
