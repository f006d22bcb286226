"""Drive the loaders app's schedule and queue handler the way Lambda would, step by step.

`fire_schedule()` calls the scheduled function with an EventBridge event. `drain()` receives
messages from the real `loaders-run` queue (moto) and hands each to the handler in Lambda's
SQS format: a message is deleted when the handler returns; when it raises, its visibility is
reset to zero so the next receive is the redelivery SQS would make after the timeout (with a
real, increasing ApproximateReceiveCount).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from chalice.local import LambdaContext

from vigil import aws
from vigil.local.apps import FUNCTIONS_DIR, LoadedApp, load_app
from vigil.local.queues import _record
from vigil.settings import get_settings

QUEUE = "loaders-run"


def loaders_app() -> LoadedApp:
    return load_app(FUNCTIONS_DIR / "loaders" / "app.py")


def fire_schedule() -> None:
    app = loaders_app().app
    event = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "000000000000", "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
             "region": "us-east-1", "resources": ["rule/run_due_loaders"], "detail": {}}
    app.handler_map["run_due_loaders"](event, LambdaContext("run_due_loaders", 1024))


@dataclass
class Drained:
    handled: int = 0
    raised: int = 0
    errors: list[str] = field(default_factory=list)


def _urls() -> tuple[str, str]:
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName=get_settings().resource_name(QUEUE))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def drain(max_deliveries: int = 30) -> Drained:
    sqs = aws.client("sqs")
    url, arn = _urls()
    handler = loaders_app().app.handler_map["on_loader_run"]
    out = Drained()
    for _ in range(max_deliveries):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=0,
                                       AttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages", [])
        if not messages:
            break
        message = messages[0]
        try:
            handler({"Records": [_record(message, arn, get_settings().aws_region)]},
                    LambdaContext("on_loader_run", 1024))
        except Exception as exc:
            out.raised += 1
            out.errors.append(f"{type(exc).__name__}: {exc}")
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"],
                                          VisibilityTimeout=0)
            continue
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        out.handled += 1
    return out


def purge() -> None:
    """Drop the visible messages an earlier test left on the queue (PurgeQueue is limited to
    once a minute, so receive and delete instead)."""
    sqs = aws.client("sqs")
    url, _ = _urls()
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not messages:
            return
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
