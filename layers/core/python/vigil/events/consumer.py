"""At-least-once, idempotent processing of SQS records; poison messages go to the DLQ.

This is the one place that maps errors onto queue behaviour:
- PoisonMessage / ValidationFailed: never retried, sent to `<queue>-dlq` with the reason.
- InProgress: another worker holds the message; re-raised so SQS redelivers it later.
- anything else: re-raised so SQS redelivers it, until the last allowed receive, when the
  message goes to the DLQ with the reason (the queue's redrive policy stays as a backstop).
A message whose id was processed already is acknowledged without running the handler again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from vigil import aws, errors
from vigil.events.catalog import Envelope, parse_envelope
from vigil.events.publisher import queue_url
from vigil.logging import bound, get_logger
from vigil.ops import metrics
from vigil.redis import Store, get_store

log = get_logger(__name__)

Handler = Callable[[Envelope], None]

PERMANENT = (errors.PoisonMessage, errors.ValidationFailed)
DONE_TTL_SECONDS = 7 * 24 * 3600
_DEFAULT_MAX_RECEIVES = 5
_max_receives: dict[str, int] = {}


def consume(
    event: Any,
    *,
    consumer: str,
    handlers: Mapping[str, Handler],
    store: Store | None = None,
) -> None:
    """Process every record of a Lambda SQS event (or a Chalice SQSEvent)."""
    for record in _records(event):
        process_record(record, consumer=consumer, handlers=handlers, store=store or get_store())


def _records(event: Any) -> Iterable[dict[str, Any]]:
    if isinstance(event, dict):
        return event.get("Records", [])
    return [r.to_dict() for r in event]


def process_record(
    record: dict[str, Any], *, consumer: str, handlers: Mapping[str, Handler], store: Store
) -> None:
    queue_name = str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1]
    receives = int(record.get("attributes", {}).get("ApproximateReceiveCount", 1))
    try:
        envelope = parse_envelope(record.get("body", ""))
        handler = handlers.get(envelope.type)
        if handler is None:
            raise errors.PoisonMessage(f"{consumer} has no handler for {envelope.type!r}")
    except errors.PoisonMessage as exc:
        _dead_letter(record, queue_name, consumer, exc)
        return

    key = store.key("idem", consumer, envelope.id)
    metrics.observe("vigil_queue_lag_seconds", max(0.0, (datetime.now(UTC) - envelope.time).total_seconds()),
                    consumer=consumer)
    with bound(correlation=envelope.correlation_id):
        if not store.set_if_absent(key, "in-progress", ttl_seconds=_lease_seconds(queue_name)):
            if store.client.get(key) == "done":
                log.info("duplicate delivery skipped", extra={"consumer": consumer, "eventId": envelope.id})
                metrics.queue_message(consumer=consumer, outcome="duplicate")
                return
            raise errors.InProgress(f"event {envelope.id} is being processed by another worker")
        try:
            with metrics.timer("vigil_queue_handler_duration_seconds", consumer=consumer):
                handler(envelope)
        except PERMANENT as exc:
            store.client.delete(key)
            _dead_letter(record, queue_name, consumer, exc)
            return
        except Exception as exc:
            store.client.delete(key)
            if receives >= max_receives(queue_name):
                _dead_letter(record, queue_name, consumer, exc)
                return
            log.warning(
                "handler failed; message will be retried",
                extra={"consumer": consumer, "eventId": envelope.id, "receives": receives,
                       "error": f"{type(exc).__name__}: {exc}"},
            )
            metrics.queue_message(consumer=consumer, outcome="retry")
            raise
        store.client.set(key, "done", ex=DONE_TTL_SECONDS)
        metrics.queue_message(consumer=consumer, outcome="processed")


def _lease_seconds(queue_name: str) -> int:
    """How long an in-progress marker lives: the queue's visibility timeout."""
    if not queue_name:
        return 60
    try:
        attrs = aws.client("sqs").get_queue_attributes(
            QueueUrl=queue_url(queue_name), AttributeNames=["VisibilityTimeout"]
        )["Attributes"]
        return int(attrs.get("VisibilityTimeout", 60))
    except aws.AwsError:
        return 60


def max_receives(queue_name: str) -> int:
    if queue_name not in _max_receives:
        value = _DEFAULT_MAX_RECEIVES
        if queue_name:
            attrs = aws.client("sqs").get_queue_attributes(
                QueueUrl=queue_url(queue_name), AttributeNames=["RedrivePolicy"]
            )["Attributes"]
            if "RedrivePolicy" in attrs:
                value = int(json.loads(attrs["RedrivePolicy"])["maxReceiveCount"])
        _max_receives[queue_name] = value
    return _max_receives[queue_name]


def _dead_letter(record: dict[str, Any], queue_name: str, consumer: str, exc: BaseException) -> None:
    reason = f"{type(exc).__name__}: {exc}"[:1000]
    attributes = {
        "errorReason": reason,
        "errorType": type(exc).__name__,
        "consumer": consumer,
        "originalMessageId": str(record.get("messageId", "")),
        "failedAt": datetime.now(UTC).isoformat(),
    }
    aws.client("sqs").send_message(
        QueueUrl=queue_url(f"{queue_name}-dlq"),
        MessageBody=record.get("body") or "{}",
        MessageAttributes={
            k: {"DataType": "String", "StringValue": v or "-"} for k, v in attributes.items()
        },
    )
    log.error("message sent to DLQ", extra={"consumer": consumer, "queue": queue_name, "reason": reason})
    metrics.queue_message(consumer=consumer, outcome="dead_lettered")


def reset() -> None:
    _max_receives.clear()
