"""The resource definition applied to a moto server (as `services` and the bootstrap do) is
exactly what it declares: queues, DLQs, redrive policies, rule targets, buckets, state machines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from vigil import aws
from vigil.events.catalog import SOURCE
from vigil.platform.bootstrap import bootstrap
from vigil.platform.resources import REPO_ROOT, ResourceDefinition, load
from vigil.settings import get_settings

FIXTURES = Path(__file__).parents[1] / "fixtures"
DEFINITIONS = [REPO_ROOT / "infra" / "resources.yaml", FIXTURES / "resources.yaml"]


@pytest.fixture(scope="module", params=DEFINITIONS, ids=["infra", "fixture"])
def applied(request, services) -> ResourceDefinition:
    definition = load(request.param)
    bootstrap(definition)  # `services` already applied infra/resources.yaml; this is idempotent
    return definition


def _queue(name: str) -> tuple[str, dict[str, str]]:
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName=get_settings().resource_name(name))["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def test_every_queue_has_its_dlq_and_redrive_policy(applied):
    for queue in applied.queues:
        _, attrs = _queue(queue.name)
        _, dlq = _queue(queue.dlq_name)
        assert int(attrs["VisibilityTimeout"]) == queue.visibility_timeout
        assert int(attrs["MessageRetentionPeriod"]) == queue.retention_seconds
        redrive = json.loads(attrs["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"] == dlq["QueueArn"]
        assert int(redrive["maxReceiveCount"]) == queue.max_receive_count
        assert "RedrivePolicy" not in dlq


def test_every_rule_targets_its_queue_with_the_declared_events(applied):
    events = aws.client("events")
    s = get_settings()
    bus = s.resource_name(applied.bus)
    assert events.describe_event_bus(Name=bus)["Name"] == bus
    for queue in applied.queues:
        if not queue.events:
            continue
        rule = events.describe_rule(Name=s.resource_name(queue.name), EventBusName=bus)
        assert rule["State"] == "ENABLED"
        assert json.loads(rule["EventPattern"]) == {"source": [SOURCE], "detail-type": sorted(queue.events)}
        targets = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus)["Targets"]
        _, attrs = _queue(queue.name)
        assert [t["Arn"] for t in targets] == [attrs["QueueArn"]]
        policy = json.loads(attrs["Policy"])["Statement"][0]
        assert policy["Principal"] == {"Service": "events.amazonaws.com"}
        assert policy["Condition"]["ArnEquals"]["aws:SourceArn"] == rule["Arn"]


def test_every_bucket_exists(applied):
    names = {b["Name"] for b in aws.client("s3").list_buckets()["Buckets"]}
    assert {get_settings().resource_name(b) for b in applied.buckets} <= names


def _validate_asl(definition: dict) -> None:
    states = definition["States"]
    assert definition["StartAt"] in states
    for name, state in states.items():
        targets = [state.get("Next"), state.get("Default")]
        targets += [c.get("Next") for c in state.get("Choices", [])]
        targets += [c.get("Next") for c in state.get("Catch", [])]
        for target in filter(None, targets):
            assert target in states, f"{name} goes to unknown state {target}"
        terminal = state.get("End") or state["Type"] in ("Succeed", "Fail", "Choice")
        assert terminal or state.get("Next"), f"{name} neither ends nor has a Next"
        for branch in state.get("Branches", []):
            _validate_asl(branch)
        if "Iterator" in state or "ItemProcessor" in state:
            _validate_asl(state.get("ItemProcessor") or state["Iterator"])


def test_every_state_machine_exists_with_a_valid_fully_substituted_definition(applied):
    sfn = aws.client("stepfunctions")
    s = get_settings()
    existing = {m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    for machine in applied.state_machines:
        arn = existing[s.resource_name(machine.name)]
        text = sfn.describe_state_machine(stateMachineArn=arn)["definition"]
        assert not re.search(r"\$\{\w+\}", text), f"{machine.name}: unsubstituted placeholder"
        definition = json.loads(text)
        _validate_asl(definition)
        for key, ref in machine.substitutions.items():
            kind, _, target = ref.partition(":")
            if kind == "queue":
                url, _ = _queue(target)
                assert url in text, f"{machine.name}: {key} is not the URL of queue {target}"


def test_every_asl_file_in_the_repository_is_consistent():
    files = sorted((REPO_ROOT / "statemachines").glob("*.asl.json")) + [FIXTURES / "probe-wait.asl.json"]
    referenced = {m.definition: m for d in DEFINITIONS for m in load(d).state_machines}
    for path in files:
        text = path.read_text()
        _validate_asl(json.loads(text))
        rel = str(path.relative_to(REPO_ROOT))
        if rel in referenced:
            assert set(re.findall(r"\$\{(\w+)\}", text)) <= set(referenced[rel].substitutions), rel
