"""A stage on LocalStack (or any AWS stand-in): its resources come from the bootstrap, and the
functions run in the `platform` container (the local runtime), not as Lambda functions."""

from __future__ import annotations

from typing import Any

from vigil import aws
from vigil.logging import get_logger
from vigil.ops.buckets import empty_bucket
from vigil.platform.bootstrap import bootstrap
from vigil.platform.resources import ResourceDefinition
from vigil.settings import Settings

log = get_logger(__name__)


def deploy(definition: ResourceDefinition, settings: Settings) -> dict[str, Any]:
    """Create or update the stage's resources (the caller has installed `settings`)."""
    summary = bootstrap(definition, settings)
    return {
        "api": settings.public_base_url.rstrip("/") + "/api/v1",
        "web": settings.public_base_url,
        "health": settings.public_base_url.rstrip("/") + "/api/v1/health",
        "awsEndpoint": settings.aws_endpoint_url or "(localstack-client defaults)",
        "s3Endpoint": settings.s3_endpoint_url or settings.aws_endpoint_url or "",
        "eventBus": summary["bus"],
        "buckets": summary["buckets"],
        "queues": {name: q["url"] for name, q in summary["queues"].items()},
        "deadLetterQueues": {name: q["dlqUrl"] for name, q in summary["queues"].items()},
        "stateMachines": summary["stateMachines"],
    }


def teardown(definition: ResourceDefinition, settings: Settings, *, delete_buckets: bool = False) -> dict[str, Any]:
    """Remove the stage's rules, queues, state machines and bus; buckets only when asked (data)."""
    removed: dict[str, list[str]] = {"rules": [], "queues": [], "stateMachines": [], "buckets": []}
    events, sqs, sfn = aws.client("events"), aws.client("sqs"), aws.client("stepfunctions")
    bus = settings.resource_name(definition.bus)
    for queue in definition.queues:
        rule = settings.resource_name(queue.name)
        try:
            events.remove_targets(Rule=rule, EventBusName=bus, Ids=["queue"])
            events.delete_rule(Name=rule, EventBusName=bus)
            removed["rules"].append(rule)
        except aws.ClientErrorType as exc:
            if aws.error_code(exc) != "ResourceNotFoundException":
                raise
        for name in (queue.name, queue.dlq_name):
            physical = settings.resource_name(name)
            try:
                url = sqs.get_queue_url(QueueName=physical)["QueueUrl"]
            except aws.ClientErrorType:
                continue
            sqs.delete_queue(QueueUrl=url)
            removed["queues"].append(physical)
    wanted = {settings.resource_name(m.name) for m in definition.state_machines}
    for page in sfn.get_paginator("list_state_machines").paginate():
        for machine in page["stateMachines"]:
            if machine["name"] in wanted:
                sfn.delete_state_machine(stateMachineArn=machine["stateMachineArn"])
                removed["stateMachines"].append(machine["name"])
    try:
        events.delete_event_bus(Name=bus)
    except aws.ClientErrorType as exc:
        if aws.error_code(exc) != "ResourceNotFoundException":
            raise
    if delete_buckets:
        for bucket in definition.buckets:
            physical = settings.resource_name(bucket)
            if empty_bucket(physical):
                aws.client("s3").delete_bucket(Bucket=physical)
                removed["buckets"].append(physical)
    log.info("stage torn down", extra={k: len(v) for k, v in removed.items()})
    return removed

