"""statemachines/escalation.asl.json executed by moto's Step Functions, one test per path:
every step in order with its waits, stopped between levels, no steps, and a queue that
refuses the message (retried, then failed with DependencyUnavailable)."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from vigil import aws
from vigil.events.catalog import parse_envelope
from vigil.notifications import escalation
from vigil.notifications.models import SubjectType
from vigil.platform.bootstrap import bootstrap
from vigil.platform.resources import QueueDef, ResourceDefinition, StateMachineDef
from vigil.settings import get_settings

DEFINITION = "statemachines/escalation.asl.json"


@pytest.fixture(scope="module")
def machine(services):
    s = get_settings()
    summary = bootstrap(ResourceDefinition(
        queues=[QueueDef(name="escalation-probe")],
        state_machines=[
            StateMachineDef(name="escalation-probe", definition=DEFINITION,
                            substitutions={"NotificationsQueueUrl": "queue:escalation-probe"}),
            StateMachineDef(name="escalation-broken", definition=DEFINITION,
                            substitutions={"NotificationsQueueUrl": "http://127.0.0.1:9/000000000000/nowhere"}),
        ]))
    return {"queue": summary["queues"]["escalation-probe"]["url"],
            "arn": summary["stateMachines"]["escalation-probe"],
            "broken": summary["stateMachines"]["escalation-broken"], "settings": s}


def _start(arn: str, steps: list[dict]) -> str:
    return aws.client("stepfunctions").start_execution(
        stateMachineArn=arn, name=f"t-{uuid.uuid4().hex[:12]}",
        input=json.dumps({"escalationId": "e", "subjectType": "alert", "subjectId": "a", "steps": steps}),
    )["executionArn"]


def _receive(queue: str, until: float, expect: int | None = None) -> list[tuple[str, float]]:
    got: list[tuple[str, float]] = []
    sqs = aws.client("sqs")
    while time.time() < until and (expect is None or len(got) < expect):
        for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", []):
            got.append((m["Body"], time.time()))
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
        time.sleep(0.05)
    return got


def _status(arn: str, want: str, timeout: float = 10) -> dict:
    deadline = time.time() + timeout
    while True:
        desc = aws.client("stepfunctions").describe_execution(executionArn=arn)
        if desc["status"] == want or time.time() > deadline:
            return desc
        time.sleep(0.1)


def _policy() -> dict:
    return {"id": str(uuid.uuid4()), "name": "p", "repeat": 0, "levels": [
        {"channels": ["email"], "targets": [{"contactGroupId": "g"}], "waitSeconds": 1},
        {"channels": ["sms", "ivr"], "targets": [{"contactGroupId": "g"}], "waitSeconds": 1},
        {"channels": ["email"], "targets": [{"userId": "u"}], "waitSeconds": 300}]}


def test_every_step_is_sent_in_order_with_the_waits_between_levels(machine):
    steps = escalation.plan(policy=_policy(), escalation="e-1", subject_type=SubjectType.ALERT, subject_id="a-1",
                            template="alert-triggered", context={"ruleName": "r"})
    assert [(s["level"], s["channel"], s["waitSeconds"]) for s in steps] == [
        (1, "email", 1), (2, "sms", 0), (2, "ivr", 1), (3, "email", 0)]
    started = time.time()
    arn = _start(machine["arn"], steps)
    got = _receive(machine["queue"], until=started + 8, expect=4)
    # THEN each step's envelope arrived verbatim, in order, a wait apart between levels
    envelopes = [parse_envelope(body) for body, _ in got]
    assert [(e.payload["escalation"]["level"], e.payload["channel"]) for e in envelopes] == [
        (1, "email"), (2, "sms"), (2, "ivr"), (3, "email")]
    times = [t - started for _, t in got]
    assert times[1] - times[0] >= 0.9 and times[3] - times[2] >= 0.9
    assert _status(arn, "SUCCEEDED")["status"] == "SUCCEEDED"


def test_stopping_between_levels_sends_nothing_more(machine):
    steps = [{"level": 1, "channel": "email", "waitSeconds": 2, "message": "first"},
             {"level": 2, "channel": "sms", "waitSeconds": 0, "message": "second"}]
    started = time.time()
    arn = _start(machine["arn"], steps)
    first = _receive(machine["queue"], until=started + 1)
    assert [b for b, _ in first] == ["first"]
    aws.client("stepfunctions").stop_execution(executionArn=arn, cause="acknowledged by ann")
    assert _receive(machine["queue"], until=started + 3.5) == []
    assert _status(arn, "ABORTED")["status"] == "ABORTED"


def test_no_steps_finishes_at_once(machine):
    arn = _start(machine["arn"], [])
    assert _status(arn, "SUCCEEDED", timeout=5)["status"] == "SUCCEEDED"
    assert _receive(machine["queue"], until=time.time() + 0.5) == []


def test_a_queue_that_refuses_fails_the_execution_after_retries(machine):
    arn = _start(machine["broken"], [{"level": 1, "channel": "email", "waitSeconds": 0, "message": "x"}])
    desc = _status(arn, "FAILED", timeout=15)
    assert desc["status"] == "FAILED"
    history = aws.client("stepfunctions").get_execution_history(executionArn=arn)["events"]
    failed = [e for e in history if e["type"] == "ExecutionFailed"]
    assert failed and failed[0]["executionFailedEventDetails"]["error"] == "DependencyUnavailable"
