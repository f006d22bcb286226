"""Pure rules of the Jira integration: backoff and Retry-After, ADF, value mapping, transition
choice, webhook signatures, the lifecycle walk, configuration validation."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pydantic import ValidationError

from vigil.integrations.jira import adf, mapping, webhook
from vigil.integrations.jira.config import JiraConfig
from vigil.integrations.jira.exceptions import BadSignature, NoTransition
from vigil.integrations.jira.incidents import lifecycle_path
from vigil.integrations.jira.retry import RetryPolicy, parse_retry_after
from vigil.integrations.jira.schemas import DeploymentType, JiraConfigIn


def _cfg(cloud: bool = True) -> JiraConfig:
    return JiraConfig(
        base_url="https://jira.example.com",
        deployment_type=DeploymentType.CLOUD if cloud else DeploymentType.DATA_CENTER,
        project_key="OPS", issue_type="Task", webhook_secret="s" * 20,
        priority_map={"CRITICAL": "Highest"}, status_to_jira={"RESOLVED": "Done"},
        status_from_jira={"Done": "RESOLVED", "In Progress": "INVESTIGATING"},
        user_map={"olivia": "acc-olivia"},
    )


# -- retry ----------------------------------------------------------------------------------

def test_backoff_grows_exponentially_with_full_jitter_and_a_cap():
    top = RetryPolicy(base_seconds=0.5, max_seconds=3.0, random=lambda: 1.0)
    assert [top.delay(a) for a in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    bottom = RetryPolicy(base_seconds=0.5, max_seconds=3.0, random=lambda: 0.0)
    assert bottom.delay(3) == 0.0
    half = RetryPolicy(base_seconds=1.0, max_seconds=30.0, random=lambda: 0.5)
    assert half.delay(3) == 2.0


def test_retry_after_is_honoured_in_seconds_or_as_a_date_and_capped():
    policy = RetryPolicy(max_seconds=20.0, random=lambda: 1.0)
    assert policy.delay(1, "7") == 7.0
    assert policy.delay(1, "120") == 20.0
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after(format_datetime(now + timedelta(seconds=9), usegmt=True), now=now) == 9.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
    assert policy.delay(1, "garbage") == 0.5  # falls back to backoff


def test_what_is_retried():
    policy = RetryPolicy()
    assert all(policy.retryable(s) for s in (None, 429, 500, 502, 503, 504))
    assert not any(policy.retryable(s) for s in (400, 401, 403, 404, 409))


# -- ADF ------------------------------------------------------------------------------------

def test_blocks_render_as_adf_for_cloud_and_wiki_text_for_data_center():
    blocks = [adf.Paragraph("Disk full"), adf.Bullets(("a1", "a2")), adf.Link("Open", "https://v/incidents/1")]
    doc = adf.to_adf(blocks)
    assert doc["type"] == "doc" and doc["version"] == 1
    assert [n["type"] for n in doc["content"]] == ["paragraph", "bulletList", "paragraph"]
    link = doc["content"][2]["content"][0]
    assert link["marks"] == [{"type": "link", "attrs": {"href": "https://v/incidents/1"}}]
    assert adf.to_wiki(blocks) == "Disk full\n\n* a1\n* a2\n\n[Open|https://v/incidents/1]"
    assert adf.plain_text(doc) == "Disk full\na1\na2\nOpen"
    assert adf.plain_text("plain") == "plain" and adf.plain_text(None) == ""


# -- mapping --------------------------------------------------------------------------------

def test_issue_fields_per_flavour():
    source = mapping.TicketSource(incident_id="11111111-2222-3333-4444-555555555555", title="Disk full",
                                  severity="CRITICAL", assignee="olivia", number=42, alerts=("cpu high",))
    cloud = mapping.issue_fields(_cfg(), source, "https://v/incidents/x")
    assert cloud["summary"] == "[INC-42] Disk full"
    assert cloud["priority"] == {"name": "Highest"} and cloud["assignee"] == {"accountId": "acc-olivia"}
    assert "vigil-incident-11111111-2222-3333-4444-555555555555" in cloud["labels"] and "inc-42" in cloud["labels"]
    assert cloud["description"]["type"] == "doc"
    dc = mapping.issue_fields(_cfg(cloud=False), source, "https://v/incidents/x")
    assert dc["assignee"] == {"name": "acc-olivia"} and "* cpu high" in dc["description"]
    unmapped = mapping.issue_fields(_cfg(), mapping.TicketSource("i", "t", "INFO", assignee="zed"), "l")
    assert "priority" not in unmapped and "assignee" not in unmapped


def test_status_and_user_maps_both_ways():
    cfg = _cfg()
    assert mapping.jira_status(cfg, "RESOLVED") == "Done" and mapping.jira_status(cfg, "NEW") is None
    assert mapping.our_status(cfg, "in progress") == "INVESTIGATING" and mapping.our_status(cfg, "Nope") is None
    assert mapping.our_user(cfg, "acc-olivia") == "olivia" and mapping.our_user(cfg, "acc-x") is None


def test_the_transition_leading_to_the_target_is_chosen():
    offered = [{"id": "11", "name": "Start", "to": {"name": "In Progress"}},
               {"id": "31", "name": "Resolve", "to": {"name": "Done"}}]
    assert mapping.pick_transition(offered, "done") == "31"
    with pytest.raises(NoTransition) as exc:
        mapping.pick_transition(offered, "Closed", current="To Do")
    assert "Closed" in exc.value.message and "In Progress" in exc.value.message


# -- webhook signature ----------------------------------------------------------------------

def test_signature_accepted_rejected_and_missing():
    body = b'{"webhookEvent":"jira:issue_updated"}'
    good = "sha256=" + hmac.new(b"secret-0123456789", body, hashlib.sha256).hexdigest()
    webhook.verify("secret-0123456789", body, good)
    with pytest.raises(BadSignature):
        webhook.verify("secret-0123456789", body + b" ", good)
    with pytest.raises(BadSignature):
        webhook.verify("another-secret-000", body, good)
    with pytest.raises(BadSignature, match="missing"):
        webhook.verify("secret-0123456789", body, None)
    with pytest.raises(BadSignature):
        webhook.verify("secret-0123456789", body, good.removeprefix("sha256="))


# -- lifecycle walk and configuration -------------------------------------------------------

def test_jira_jumps_walk_the_incident_lifecycle():
    assert lifecycle_path("NEW", "RESOLVED") == ["INVESTIGATING", "RESOLVED"]
    assert lifecycle_path("NEW", "CLOSED") == ["INVESTIGATING", "RESOLVED", "CLOSED"]
    assert lifecycle_path("RESOLVED", "INVESTIGATING") == ["INVESTIGATING"]
    assert lifecycle_path("CLOSED", "NEW") == []


def test_configuration_validation_names_the_field():
    base = {"baseUrl": "https://jira.example.com/", "deploymentType": "CLOUD", "projectKey": "OPS",
            "issueType": "Task", "webhookSecret": "w" * 16}
    assert JiraConfigIn.model_validate(base).base_url == "https://jira.example.com"
    for change, loc in (({"projectKey": "ops"}, "projectKey"), ({"deploymentType": "SERVER"}, "deploymentType"),
                        ({"priorityMap": {"P1": "High"}}, "priorityMap")):
        with pytest.raises(ValidationError) as exc:
            JiraConfigIn.model_validate({**base, **change})
        assert loc in str(exc.value)
