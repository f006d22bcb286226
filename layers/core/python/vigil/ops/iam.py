"""Least-privilege IAM: one role per function, granting only what its app's code names."""

from __future__ import annotations

from typing import Any

from vigil.ops.access import Access
from vigil.platform.resources import QueueDef

BASIC_EXECUTION = {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}
VPC_EXECUTION = {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}
XRAY_WRITE = {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"}  # Tracing: Active


def logical_id(*parts: str) -> str:
    """`("incident-events", "dlq")` → `IncidentEventsDlq` (CloudFormation ids are alphanumeric)."""
    words: list[str] = []
    for part in parts:
        words.extend(w for w in "".join(c if c.isalnum() else " " for c in part).split() if w)
    return "".join(w[:1].upper() + w[1:] for w in words)


def queue_id(name: str) -> str:
    return logical_id(name, "queue")


def dlq_id(name: str) -> str:
    return logical_id(name, "dlq")


def bucket_id(name: str) -> str:
    return logical_id(name, "bucket")


def machine_id(name: str) -> str:
    return logical_id(name, "state", "machine")


def _arn(logical: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical, "Arn"]}


def function_statements(access: Access, consumes: QueueDef | None) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    if access.publishes:
        statements.append({"Effect": "Allow", "Action": ["events:PutEvents"], "Resource": _arn("EventBus")})
    if access.queues:
        statements.append({
            "Effect": "Allow",
            "Action": ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"],
            "Resource": [_arn(queue_id(q)) for q in sorted(access.queues)],
        })
    if consumes is not None:
        statements.append({
            "Effect": "Allow",
            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                       "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
            "Resource": _arn(queue_id(consumes.name)),
        })
        # The consumer helper dead-letters poison messages itself, with the reason attached.
        statements.append({
            "Effect": "Allow",
            "Action": ["sqs:SendMessage", "sqs:GetQueueUrl"],
            "Resource": _arn(dlq_id(consumes.name)),
        })
    if access.buckets:
        statements.append({
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": [{"Fn::Sub": f"${{{bucket_id(b)}.Arn}}/*"} for b in sorted(access.buckets)],
        })
        statements.append({
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": [_arn(bucket_id(b)) for b in sorted(access.buckets)],
        })
    if access.state_machines:
        machines = sorted(access.state_machines)
        statements.append({
            "Effect": "Allow",
            "Action": ["states:StartExecution"],
            "Resource": [{"Ref": machine_id(m)} for m in machines],
        })
        statements.append({
            "Effect": "Allow",
            "Action": ["states:StopExecution", "states:DescribeExecution"],
            "Resource": [
                {"Fn::Sub": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:"
                            f"${{{machine_id(m)}.Name}}:*"}
                for m in machines
            ],
        })
    for extra in access.extra:
        resource = extra.get("resource", "*")
        statements.append({
            "Effect": "Allow",
            "Action": list(extra.get("actions", [])),  # type: ignore[call-overload]
            "Resource": _arn("EventBus") if resource == "bus" else resource,
        })
    return statements


def function_role(statements: list[dict[str, Any]]) -> dict[str, Any]:
    props: dict[str, Any] = {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                           "Action": "sts:AssumeRole"}],
        },
        "ManagedPolicyArns": [
            BASIC_EXECUTION,
            XRAY_WRITE,
            {"Fn::If": ["HasVpc", VPC_EXECUTION, {"Ref": "AWS::NoValue"}]},
        ],
    }
    if statements:
        props["Policies"] = [{
            "PolicyName": "vigil-function",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
        }]
    return {"Type": "AWS::IAM::Role", "Properties": props}


def state_machine_role(queues: list[str]) -> dict[str, Any]:
    props: dict[str, Any] = {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"},
                           "Action": "sts:AssumeRole"}],
        },
    }
    if queues:
        props["Policies"] = [{
            "PolicyName": "vigil-statemachine",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["sqs:SendMessage"],
                "Resource": [_arn(queue_id(q)) for q in sorted(queues)],
            }]},
        }]
    return {"Type": "AWS::IAM::Role", "Properties": props}
