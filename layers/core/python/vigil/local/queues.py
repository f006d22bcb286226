"""Feed each consumer queue's messages to its Chalice handler in Lambda's SQS event format.

Like the Lambda event source mapping: a message is deleted only when the handler returns;
when it raises, the message stays and reappears after the visibility timeout, and the queue's
redrive policy moves it to its DLQ after maxReceiveCount receives.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from chalice.app import SQSEventConfig
from chalice.local import LambdaContext

from vigil import aws
from vigil.local.apps import LoadedApp
from vigil.logging import get_logger
from vigil.settings import Settings

log = get_logger(__name__)


class QueuePoller(threading.Thread):
    def __init__(self, loaded: LoadedApp, source: SQSEventConfig, settings: Settings,
                 stop: threading.Event, wait_seconds: int = 1) -> None:
        super().__init__(name=f"sqs-{source.queue}", daemon=True)
        self.loaded = loaded
        self.source = source
        self.physical = settings.resource_name(source.queue or "")
        self.region = settings.aws_region
        self.stop_event = stop
        self.wait_seconds = wait_seconds
        self.handler = loaded.app.handler_map[source.name]

    def run(self) -> None:
        sqs = aws.client("sqs")
        url = sqs.get_queue_url(QueueName=self.physical)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        while not self.stop_event.is_set():
            try:
                self.poll_once(sqs, url, arn)
            except Exception:  # noqa: BLE001 - a poller must outlive a bad moment of the endpoint
                if not self.stop_event.is_set():
                    log.exception("queue poll failed", extra={"queue": self.physical})
                    self.stop_event.wait(1)

    def poll_once(self, sqs: Any, url: str, arn: str) -> int:
        messages = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=max(1, min(10, self.source.batch_size)),
            WaitTimeSeconds=self.wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [_record(m, arn, self.region) for m in messages]}
        context = LambdaContext(function_name=self.source.name, memory_size=1024, max_runtime_ms=900_000)
        try:
            self.handler(event, context)
        except Exception as exc:  # noqa: BLE001 - Lambda semantics: the batch is retried
            log.warning("handler raised; messages will be redelivered",
                        extra={"queue": self.physical, "error": f"{type(exc).__name__}: {exc}"})
            return 0
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )
        return len(messages)


def _record(message: dict[str, Any], arn: str, region: str) -> dict[str, Any]:
    attrs = {
        name: {"stringValue": v.get("StringValue"), "dataType": v.get("DataType", "String"),
               "binaryValue": None, "stringListValues": [], "binaryListValues": []}
        for name, v in (message.get("MessageAttributes") or {}).items()
    }
    return {
        "messageId": message.get("MessageId", str(uuid.uuid4())),
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": message.get("Attributes", {}),
        "messageAttributes": attrs,
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": region,
    }


def start_pollers(apps: list[LoadedApp], settings: Settings, stop: threading.Event) -> list[QueuePoller]:
    pollers = [QueuePoller(a, src, settings, stop) for a in apps for src in a.queue_handlers]
    for p in pollers:
        p.start()
    return pollers
