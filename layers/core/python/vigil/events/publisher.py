"""Put events on the bus, or a message straight on a queue."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from vigil import aws, errors
from vigil.events.catalog import SOURCE, Envelope, make
from vigil.logging import correlation_id, get_logger
from vigil.ops import metrics
from vigil.settings import get_settings

log = get_logger(__name__)

BUS = "events"


def publish(
    event_type: str, payload: BaseModel | dict[str, Any], *, correlation: str | None = None
) -> Envelope:
    envelope = make(event_type, payload, correlation_id=correlation or correlation_id.get())
    put_envelopes([envelope])
    return envelope


def put_envelopes(envelopes: list[Envelope]) -> None:
    s = get_settings()
    bus = s.resource_name(BUS)
    for start in range(0, len(envelopes), 10):  # PutEvents takes at most 10 entries
        chunk = envelopes[start : start + 10]
        response = aws.client("events").put_events(
            Entries=[
                {"Source": SOURCE, "DetailType": e.type, "Detail": e.to_json(), "EventBusName": bus}
                for e in chunk
            ]
        )
        if response.get("FailedEntryCount"):
            failed = [r for r in response["Entries"] if r.get("ErrorCode")]
            raise errors.DependencyUnavailable(f"event bus rejected {len(failed)} event(s): {failed}")
        for e in chunk:
            log.info("event published", extra={"eventType": e.type, "eventId": e.id})
            metrics.count("vigil_events_published_total", type=e.type)


_queue_urls: dict[str, str] = {}


def queue_url(physical_name: str) -> str:
    if physical_name not in _queue_urls:
        _queue_urls[physical_name] = aws.client("sqs").get_queue_url(QueueName=physical_name)[
            "QueueUrl"
        ]
    return _queue_urls[physical_name]


def send_to_queue(logical_queue: str, envelope: Envelope, *, delay_seconds: int = 0) -> None:
    url = queue_url(get_settings().resource_name(logical_queue))
    aws.client("sqs").send_message(
        QueueUrl=url, MessageBody=envelope.to_json(), DelaySeconds=delay_seconds
    )


def reset() -> None:
    _queue_urls.clear()
