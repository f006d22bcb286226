"""Listen on the real event bus (moto) from a test: a queue and a rule of the test's own."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from vigil import aws
from vigil.events.catalog import SOURCE
from vigil.settings import get_settings


class BusTap:
    def __init__(self, url: str) -> None:
        self.url = url
        self.seen: list[dict[str, Any]] = []

    def drain(self, *, expect: int = 0, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Every event envelope received so far (waiting until `expect` have arrived)."""
        deadline = time.time() + timeout
        while True:
            batch = aws.client("sqs").receive_message(QueueUrl=self.url, MaxNumberOfMessages=10,
                                                      WaitTimeSeconds=0).get("Messages", [])
            for m in batch:
                self.seen.append(json.loads(m["Body"])["detail"])
                aws.client("sqs").delete_message(QueueUrl=self.url, ReceiptHandle=m["ReceiptHandle"])
            if len(self.seen) >= expect or time.time() > deadline:
                return self.seen
            if not batch:
                time.sleep(0.1)


@contextmanager
def tap(*event_types: str) -> Iterator[BusTap]:
    s = get_settings()
    name = s.resource_name(f"tap-{uuid.uuid4().hex[:8]}")
    sqs, events = aws.client("sqs"), aws.client("events")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus = s.resource_name("events")
    events.put_rule(Name=name, EventBusName=bus, State="ENABLED",
                    EventPattern=json.dumps({"source": [SOURCE], "detail-type": list(event_types)}))
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "tap", "Arn": arn}])
    try:
        yield BusTap(url)
    finally:
        events.remove_targets(Rule=name, EventBusName=bus, Ids=["tap"])
        events.delete_rule(Name=name, EventBusName=bus)
        sqs.delete_queue(QueueUrl=url)
