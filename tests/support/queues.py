"""Empty a consumer queue and its DLQ, so a test sees only the messages it caused (every test
of a run shares one bus, and earlier tests' events wait in queues nobody polls). Messages are
received and deleted: SQS allows one PurgeQueue a minute per queue."""

from __future__ import annotations

from vigil import aws
from vigil.settings import get_settings


def purge(*logical_names: str) -> int:
    sqs = aws.client("sqs")
    removed = 0
    for name in logical_names:
        for physical in (name, f"{name}-dlq"):
            url = sqs.get_queue_url(QueueName=get_settings().resource_name(physical))["QueueUrl"]
            while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60,
                                               WaitTimeSeconds=0).get("Messages", []):
                sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
                removed += len(batch)
    return removed
