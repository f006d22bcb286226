"""Jira → incident through the signed webhook route: signatures accepted, rejected and missing;
status and assignee mapped onto the incident; comments become notes; no echo either way."""

from __future__ import annotations

import json

import pytest

from tests.support.jira_double import JiraDouble
from tests.support.jira_helpers import (
    configure,
    created_event,
    deliver,
    mapping,
    new_incident,
    signed,
    updated_event,
)
from vigil.db import get_database
from vigil.incidents import service as incidents
from vigil.incidents.models import Status

HOOK = "/api/v1/integrations/jira/webhook"


@pytest.fixture(scope="module")
def double(services):
    d = JiraDouble("CLOUD", project="HOOK").start()
    yield d
    d.stop()


@pytest.fixture
def jira(double, users):
    double.reset()
    configure(double, user_map={users["OPERATOR"].username: double.user_id("olivia")},
              integration_account=double.user_id("bot"))
    return double


@pytest.fixture
def linked(jira):
    """An incident with its Jira issue: (incident id, issue key)."""
    incident_id = new_incident("Webhook target")
    deliver(created_event(incident_id))
    return incident_id, mapping(incident_id)["jira_key"]


def _incident(incident_id: str):
    return incidents.get(get_database(), incident_id=incident_id)


def _timeline(incident_id: str) -> list:
    items, _ = incidents.timeline(get_database(), incident_id=incident_id, page=0, size=100)
    return items


def test_a_correct_signature_is_accepted(client, jira, linked):
    incident_id, key = linked
    raw, headers = signed(jira.user_transitions(key, "In Progress"))
    result = client.post(HOOK, data=raw, headers=headers)
    assert result.status == 200, result
    assert result.body["outcome"] == "applied"
    assert _incident(incident_id).status == Status.INVESTIGATING


def test_a_wrong_signature_is_rejected_and_logged(client, jira, linked, admin):
    incident_id, key = linked
    raw, headers = signed(jira.user_transitions(key, "In Progress"), secret="not-the-secret-at-all")
    result = client.post(HOOK, data=raw, headers=headers)
    assert result.status == 401 and result.body["error"]["code"] == "BAD_SIGNATURE"
    # a body altered after signing fails too
    raw2, headers2 = signed(jira.user_transitions(key, "In Progress"))
    tampered = client.post(HOOK, data=raw2.replace(b"In Progress", b"Done"), headers=headers2)
    assert tampered.status == 401
    assert _incident(incident_id).status == Status.NEW
    log = admin.get("/api/v1/integrations/jira/sync-log", query={"outcome": "rejected"})
    assert log.body["total"] >= 2
    assert log.body["items"][0]["error"] == "the X-Hub-Signature does not match the body"


def test_a_missing_signature_is_rejected(client, jira, linked):
    incident_id, key = linked
    raw = json.dumps(jira.user_transitions(key, "In Progress")).encode()
    result = client.post(HOOK, data=raw, headers={"Content-Type": "application/json"})
    assert result.status == 401 and "missing" in result.body["error"]["message"]
    assert _incident(incident_id).status == Status.NEW


def test_an_unknown_issue_is_acknowledged_and_logged(client, jira, linked, admin):
    _, key = linked
    body = jira.user_transitions(key, "In Progress")
    body["issue"]["key"] = "HOOK-999"
    raw, headers = signed(body)
    result = client.post(HOOK, data=raw, headers=headers)
    assert result.status == 200 and result.body["outcome"] == "unknown_issue"
    log = admin.get("/api/v1/integrations/jira/sync-log", query={"jiraKey": "HOOK-999"})
    assert log.body["total"] == 1 and log.body["items"][0]["direction"] == "IN"


def test_a_jump_in_jira_walks_the_incident_lifecycle(client, jira, linked):
    incident_id, key = linked
    raw, headers = signed(jira.user_transitions(key, "Done"))
    assert client.post(HOOK, data=raw, headers=headers).body["outcome"] == "applied"
    out = _incident(incident_id)
    assert out.status == Status.RESOLVED and key in (out.resolution_note or "")
    statuses = [e.detail.get("to") for e in _timeline(incident_id) if e.kind == "status"]
    assert statuses == ["INVESTIGATING", "RESOLVED"]
    assert all(e.origin == "jira" for e in _timeline(incident_id) if e.kind == "status")


def test_status_both_ways_without_ping_pong(client, jira, linked):
    incident_id, key = linked
    db = get_database()
    # Vigil → Jira
    incidents.change_status(db, incident_id=incident_id, status=Status.INVESTIGATING, actor="tester")
    deliver(updated_event(incident_id, {"status": {"from": "NEW", "to": "INVESTIGATING"}}))
    assert jira.issues[key]["fields"]["status"]["name"] == "In Progress"
    # Jira's webhook for our own transition is an echo: nothing changes
    raw, headers = signed(jira.user_transitions(key, "In Progress", by="bot"))
    assert client.post(HOOK, data=raw, headers=headers).body["outcome"] == "echo"
    # Jira → Vigil, and the incident.updated it causes (origin jira) is not pushed back
    raw, headers = signed(jira.user_transitions(key, "Done"))
    assert client.post(HOOK, data=raw, headers=headers).body["outcome"] == "applied"
    assert _incident(incident_id).status == Status.RESOLVED
    before = len(jira.requests)
    deliver(updated_event(incident_id, {"status": {"from": "INVESTIGATING", "to": "RESOLVED"}}, origin="jira"))
    assert len(jira.requests) == before
    # the same webhook delivered again changes nothing
    raw, headers = signed(jira._webhook("jira:issue_updated", key, "alice",
                                        [{"field": "status", "toString": "Done"}]))
    assert client.post(HOOK, data=raw, headers=headers).body["outcome"] == "no_change"


def test_assignee_both_ways(client, jira, linked, users):
    incident_id, key = linked
    operator_name = users["OPERATOR"].username
    raw, headers = signed(jira.user_assigns(key, "olivia"))
    assert client.post(HOOK, data=raw, headers=headers).body["outcome"] == "applied"
    assert _incident(incident_id).assignee == operator_name
    # unassigned in Jira → unassigned here
    raw, headers = signed(jira.user_assigns(key, None))
    client.post(HOOK, data=raw, headers=headers)
    assert _incident(incident_id).assignee is None
    # a Jira user with no Vigil user leaves the incident alone
    raw, headers = signed(jira.user_assigns(key, "stranger"))
    assert client.post(HOOK, data=raw, headers=headers).body["outcome"] == "no_change"
    # Vigil → Jira
    incidents.assign(get_database(), incident_id=incident_id, assignee=operator_name, actor="tester")
    deliver(updated_event(incident_id, {"assignee": {"from": None, "to": operator_name}}))
    assert jira.issues[key]["fields"]["assignee"] == {"accountId": jira.user_id("olivia")}


def test_comments_both_ways_without_echo(client, jira, linked):
    incident_id, key = linked
    # Jira → Vigil: a comment becomes a note, once
    body = jira.user_comments(key, "DB failover finished")
    raw, headers = signed(body)
    assert client.post(HOOK, data=raw, headers=headers).body["outcome"] == "applied"
    assert client.post(HOOK, data=raw, headers=headers).body["outcome"] == "echo"  # Jira retried
    notes = [e for e in _timeline(incident_id) if e.kind == "note"]
    assert len(notes) == 1 and "DB failover finished" in notes[0].detail["text"]
    assert notes[0].origin == "jira"
    # ...and the incident.updated that note caused (origin jira) adds no Jira comment
    comments_before = len(jira.issues[key]["comments"])
    deliver(updated_event(incident_id, {"note": notes[0].detail["text"]}, origin="jira"))
    assert len(jira.issues[key]["comments"]) == comments_before

    # Vigil → Jira: a note becomes a comment; its webhook is our echo
    deliver(updated_event(incident_id, {"note": "restarted the pods"}))
    ours = jira.issues[key]["comments"][-1]
    assert "restarted the pods" in json.dumps(ours["body"])
    echo = jira._webhook("comment_created", key, "bot", None)
    echo["comment"] = {"id": ours["id"], "body": "tester wrote in Vigil:\nrestarted the pods\n(via Vigil)",
                       "author": jira.bot}
    raw, headers = signed(echo)
    assert client.post(HOOK, data=raw, headers=headers).body["outcome"] == "echo"
    assert len([e for e in _timeline(incident_id) if e.kind == "note"]) == 1


def test_a_jira_status_our_lifecycle_cannot_reach_is_acknowledged_not_applied(client, jira, linked):
    incident_id, key = linked
    raw, headers = signed(jira.user_transitions(key, "In Progress"))
    client.post(HOOK, data=raw, headers=headers)
    raw, headers = signed(jira.user_transitions(key, "To Do"))  # back to NEW: no such transition here
    result = client.post(HOOK, data=raw, headers=headers)
    assert result.status == 200 and result.body["outcome"] == "not_applicable"
    assert "INVESTIGATING" in result.body["detail"]
    assert _incident(incident_id).status == Status.INVESTIGATING
