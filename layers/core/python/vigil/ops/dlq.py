"""Dead-letter queues: their depth (a metric and `vigil dlq list`) and redrive back to the
source queue once the cause is fixed (`vigil dlq redrive --queue NAME`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vigil import aws
from vigil.logging import get_logger
from vigil.ops import metrics
from vigil.platform.resources import ResourceDefinition
from vigil.settings import get_settings

log = get_logger(__name__)


def _url(physical: str) -> str:
    return str(aws.client("sqs").get_queue_url(QueueName=physical)["QueueUrl"])


def depths(definition: ResourceDefinition) -> dict[str, int]:
    """Messages waiting (visible + in flight) in each queue's DLQ, by logical queue name."""
    s = get_settings()
    out: dict[str, int] = {}
    for queue in definition.queues:
        attrs = aws.client("sqs").get_queue_attributes(
            QueueUrl=_url(s.resource_name(queue.dlq_name)),
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        out[queue.name] = int(attrs.get("ApproximateNumberOfMessages", 0)) + int(
            attrs.get("ApproximateNumberOfMessagesNotVisible", 0))
    return out


def depth_collector(definition: ResourceDefinition) -> Callable[[], None]:
    def collect() -> None:
        try:
            found = depths(definition)
        except aws.AwsError as exc:  # a scrape must still answer when the endpoint is down
            log.warning("DLQ depth unavailable", extra={"error": str(exc)})
            return
        for queue, depth in found.items():
            metrics.gauge("vigil_dlq_depth", depth, queue=queue)

    return collect


def redrive(definition: ResourceDefinition, queue: str, *, limit: int = 1000) -> dict[str, Any]:
    """Move up to `limit` messages from `<queue>-dlq` back to `<queue>`, attributes kept.

    Each message is sent before it is deleted, so a crash in between duplicates it rather than
    losing it; consumers are idempotent by event id, so a duplicate is harmless.
    """
    if queue not in {q.name for q in definition.queues}:
        raise ValueError(f"unknown queue {queue!r}; known: {sorted(q.name for q in definition.queues)}")
    s = get_settings()
    sqs = aws.client("sqs")
    source, dlq = _url(s.resource_name(queue)), _url(s.resource_name(f"{queue}-dlq"))
    moved = 0
    while moved < limit:
        batch = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=min(10, limit - moved),
                                    WaitTimeSeconds=0, MessageAttributeNames=["All"]).get("Messages", [])
        if not batch:
            break
        for message in batch:
            attributes = {k: {"DataType": v["DataType"], "StringValue": v["StringValue"]}
                          for k, v in (message.get("MessageAttributes") or {}).items() if "StringValue" in v}
            attributes["redrivenFromDlq"] = {"DataType": "String", "StringValue": "true"}
            sqs.send_message(QueueUrl=source, MessageBody=message["Body"], MessageAttributes=attributes)
            sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
    log.info("DLQ redriven", extra={"queue": queue, "moved": moved})
    return {"queue": queue, "moved": moved}
