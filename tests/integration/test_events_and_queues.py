"""Foundation: bus → rules → queues → handlers, idempotency, DLQ with reason, schedules,
bootstrap idempotency, state machines, all against a real moto server and Redis."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.support.wait import eventually
from vigil import aws
from vigil.events import publisher
from vigil.events.catalog import make
from vigil.local.runtime import LocalRuntime
from vigil.platform.bootstrap import bootstrap
from vigil.platform.resources import load
from vigil.settings import get_settings

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(scope="module")
def runtime(services):
    rt = LocalRuntime(
        get_settings(), definition=FIXTURES / "resources.yaml",
        functions_dir=FIXTURES / "functions", serve=False,
    ).start()
    yield rt
    rt.stop()


def _seen(store, queue: str) -> list[str]:
    return store.client.lrange(store.key("probe", queue), 0, -1)




def _queue_url(logical: str) -> str:
    return aws.client("sqs").get_queue_url(QueueName=get_settings().resource_name(logical))["QueueUrl"]


def test_an_event_reaches_each_subscribed_queue_and_no_other(runtime, store):
    # GIVEN probe-a and probe-b subscribe to platform.ping, probe-c does not
    ping = publisher.publish("platform.ping", {"note": "hello"})
    run = publisher.publish("loader.run.requested", {"loaderCode": "X", "executionId": "e1"})

    # THEN each subscriber's handler saw exactly the events it subscribed to
    assert eventually(lambda: ping.id in _seen(store, "probe-a") and ping.id in _seen(store, "probe-b"))
    assert eventually(lambda: run.id in _seen(store, "probe-c") and run.id in _seen(store, "probe-b"))
    time.sleep(1.5)  # give a wrong delivery time to show up
    assert _seen(store, "probe-a") == [ping.id]
    assert sorted(_seen(store, "probe-b")) == sorted([ping.id, run.id])
    assert _seen(store, "probe-c") == [run.id]


def test_a_redelivered_message_is_processed_once(runtime, store):
    envelope = make("platform.ping", {"note": "twice"})
    # WHEN the same event arrives twice (SQS is at-least-once)
    for _ in range(2):
        publisher.send_to_queue("probe-a", envelope)
    eventually(lambda: envelope.id in _seen(store, "probe-a"))
    time.sleep(2)
    # THEN the handler ran once and both copies left the queue
    assert _seen(store, "probe-a").count(envelope.id) == 1
    attrs = aws.client("sqs").get_queue_attributes(
        QueueUrl=_queue_url("probe-a"),
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attrs == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}


def _dlq_messages(logical: str, expect: int, timeout: float = 20) -> list[dict]:
    url = _queue_url(f"{logical}-dlq")
    found: list[dict] = []
    deadline = time.time() + timeout
    while time.time() < deadline and len(found) < expect:
        batch = aws.client("sqs").receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=["All"],
        ).get("Messages", [])
        for m in batch:  # read and removed: later tests start from an empty DLQ
            aws.client("sqs").delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        found += batch
    return found


def test_a_handler_that_always_fails_lands_in_the_dlq_with_the_reason(runtime, store):
    envelope = publisher.publish("incident.updated", {"incidentId": "i-1", "changes": {"a": 1}})
    messages = _dlq_messages("probe-failing", expect=1)
    assert len(messages) == 1
    message = messages[0]
    assert json.loads(message["Body"])["detail"]["id"] == envelope.id
    attrs = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert attrs["errorType"] == "RuntimeError"
    assert "the downstream system is on fire" in attrs["errorReason"]
    assert attrs["consumer"] == "probe-failing"
    # tried exactly maxReceiveCount (2) times, then parked
    assert int(store.client.get(store.key("probe", "failing-attempts"))) == 2


def test_a_poison_message_goes_to_the_dlq_at_once(runtime, store):
    aws.client("sqs").send_message(QueueUrl=_queue_url("probe-c"), MessageBody="{not json")
    messages = _dlq_messages("probe-c", expect=1)
    assert len(messages) == 1
    assert messages[0]["Body"] == "{not json"
    reason = messages[0]["MessageAttributes"]["errorReason"]["StringValue"]
    assert reason.startswith("PoisonMessage: message body is not JSON")


def test_a_schedule_fires_its_function(runtime, store):
    start = time.time()
    assert runtime.scheduler is not None
    # not due yet
    assert runtime.scheduler.tick(start + 30, wait=True) == []
    # due after one rate period
    assert runtime.scheduler.tick(start + 61, wait=True) == ["every_minute"]
    assert len(store.client.lrange(store.key("probe", "schedule"), 0, -1)) == 1


def test_bootstrap_is_idempotent(runtime):
    definition = load(FIXTURES / "resources.yaml")
    first = bootstrap(definition)
    second = bootstrap(definition)
    assert first == second
    sqs = aws.client("sqs")
    prefix = get_settings().resource_name("probe-")
    urls = sqs.list_queues(QueueNamePrefix=prefix)["QueueUrls"]
    assert len(urls) == 8  # four queues and four DLQs, never duplicated
    attrs = sqs.get_queue_attributes(QueueUrl=_queue_url("probe-failing"), AttributeNames=["All"])["Attributes"]
    assert json.loads(attrs["RedrivePolicy"])["maxReceiveCount"] in (2, "2")
    assert attrs["VisibilityTimeout"] == "1"
    rules = aws.client("events").list_rules(EventBusName=get_settings().resource_name("events"))["Rules"]
    names = [r["Name"] for r in rules if r["Name"].startswith(prefix)]
    expected = ("probe-a", "probe-b", "probe-c", "probe-failing")
    assert sorted(names) == sorted(get_settings().resource_name(q) for q in expected)
    machines = [m for m in aws.client("stepfunctions").list_state_machines()["stateMachines"]
                if m["name"] == get_settings().resource_name("probe-wait")]
    assert len(machines) == 1


def test_a_state_machine_waits_then_sends_to_a_queue(runtime, store):
    sfn = aws.client("stepfunctions")
    arn = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
               if m["name"] == get_settings().resource_name("probe-wait"))
    envelope = make("loader.run.requested", {"loaderCode": "SFN", "executionId": "e-sfn"})
    sfn.start_execution(stateMachineArn=arn, input=json.dumps({"message": envelope.to_json()}))
    assert eventually(lambda: envelope.id in _seen(store, "probe-c"), timeout=20)
