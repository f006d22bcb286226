"""Create the resource definition on an AWS endpoint, idempotently.

Run as often as you like: existing resources are updated to match, nothing is duplicated.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from vigil import aws
from vigil.events.catalog import SOURCE
from vigil.logging import get_logger
from vigil.platform.resources import REPO_ROOT, ResourceDefinition, StateMachineDef
from vigil.settings import Settings, get_settings

log = get_logger(__name__)

# Step Functions needs a role ARN; moto and LocalStack accept any well-formed one. On AWS the
# CloudFormation template (infra/) creates the real role and the stack owns the machines.
LOCAL_ROLE_ARN = "arn:aws:iam::000000000000:role/vigil-statemachines"


def bootstrap(definition: ResourceDefinition, settings: Settings | None = None) -> dict[str, Any]:
    s = settings or get_settings()
    summary: dict[str, Any] = {"bus": _bus(s), "buckets": [], "queues": {}, "stateMachines": {}}
    for bucket in definition.buckets:
        summary["buckets"].append(_bucket(s, bucket))
    for queue in definition.queues:
        dlq_url, dlq_arn = _queue(s.resource_name(queue.dlq_name), {"MessageRetentionPeriod": "1209600"})
        attrs = {
            "VisibilityTimeout": str(queue.visibility_timeout),
            "MessageRetentionPeriod": str(queue.retention_seconds),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(queue.max_receive_count)}
            ),
        }
        url, arn = _queue(s.resource_name(queue.name), attrs)
        if queue.events:
            _route(s, queue.name, arn, url, queue.events)
        summary["queues"][queue.name] = {"url": url, "dlqUrl": dlq_url, "events": queue.events}
    for machine in definition.state_machines:
        summary["stateMachines"][machine.name] = _state_machine(s, machine)
    log.info("resources bootstrapped", extra={"queues": len(definition.queues)})
    return summary


def _bus(s: Settings) -> str:
    events = aws.client("events")
    name = s.resource_name("events")
    try:
        events.create_event_bus(Name=name)
    except aws.ClientErrorType as exc:
        if aws.error_code(exc) != "ResourceAlreadyExistsException":
            raise
    return name


def _bucket(s: Settings, logical: str) -> str:
    s3 = aws.client("s3")
    name = s.resource_name(logical)
    try:
        if s.aws_region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(
                Bucket=name, CreateBucketConfiguration={"LocationConstraint": s.aws_region}
            )
    except aws.ClientErrorType as exc:
        if aws.error_code(exc) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    # Browsers upload attachments and fetch reports with presigned URLs.
    try:
        _bucket_cors(s3, s, name)
    except aws.ClientErrorType as exc:
        # MinIO has no per-bucket CORS API: it takes MINIO_API_CORS_ALLOW_ORIGIN (see localstack/).
        if aws.error_code(exc) != "NotImplemented":
            raise
        log.warning("bucket CORS not supported by this S3 endpoint; configure it server-side",
                    extra={"bucket": name})
    return name


def _bucket_cors(s3: Any, s: Settings, name: str) -> None:
    s3.put_bucket_cors(
        Bucket=name,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": s.cors_origin_list or ["*"],
                    "AllowedMethods": ["GET", "PUT", "HEAD"],
                    "AllowedHeaders": ["*"],
                    "MaxAgeSeconds": 3600,
                }
            ]
        },
    )


def _queue(name: str, attributes: dict[str, str]) -> tuple[str, str]:
    sqs = aws.client("sqs")
    try:
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    except aws.ClientErrorType as exc:
        if aws.error_code(exc) not in ("QueueAlreadyExists", "QueueNameExists"):
            raise
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _route(s: Settings, queue: str, queue_arn: str, queue_url: str, event_types: list[str]) -> None:
    events = aws.client("events")
    rule = s.resource_name(queue)
    rule_arn = events.put_rule(
        Name=rule,
        EventBusName=s.resource_name("events"),
        EventPattern=json.dumps({"source": [SOURCE], "detail-type": sorted(event_types)}),
        State="ENABLED",
    )["RuleArn"]
    events.put_targets(
        Rule=rule, EventBusName=s.resource_name("events"), Targets=[{"Id": "queue", "Arn": queue_arn}]
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            }
        ],
    }
    aws.client("sqs").set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})


_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def render_state_machine(s: Settings, machine: StateMachineDef, root: Path = REPO_ROOT) -> str:
    text = (root / machine.definition).read_text()
    values: dict[str, str] = {}
    for key, ref in machine.substitutions.items():
        kind, _, name = ref.partition(":")
        if kind == "queue":
            values[key] = aws.client("sqs").get_queue_url(QueueName=s.resource_name(name))["QueueUrl"]
        else:
            values[key] = ref
    missing = sorted(set(_PLACEHOLDER.findall(text)) - set(values))
    if missing:
        raise ValueError(f"{machine.definition}: no substitution for {missing}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def _state_machine(s: Settings, machine: StateMachineDef) -> str:
    sfn = aws.client("stepfunctions")
    name = s.resource_name(machine.name)
    definition = render_state_machine(s, machine)
    for page in sfn.get_paginator("list_state_machines").paginate():
        for existing in page["stateMachines"]:
            if existing["name"] == name:
                sfn.update_state_machine(
                    stateMachineArn=existing["stateMachineArn"], definition=definition
                )
                return str(existing["stateMachineArn"])
    arn = sfn.create_state_machine(name=name, definition=definition, roleArn=LOCAL_ROLE_ARN)[
        "stateMachineArn"
    ]
    return str(arn)
