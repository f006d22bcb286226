"""Render the whole platform as one CloudFormation (SAM) template.

Inputs are the ones the local runtime and the tests use: `infra/resources.yaml` (bus, queues
with DLQs, buckets, state machines) and the Chalice app objects under `functions/*/app.py`
(routes, schedules, SQS handlers). The apps are read directly instead of through
`chalice package`, because `chalice package` builds one REST API per app (nine base URLs with
clashing logical ids to merge), vendors dependencies into every function instead of the
shared layer, and derives IAM policies from `app.py` alone, where no AWS call lives. Chalice's
own swagger generator still writes the API definition (`apispec.py`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from vigil.local.apps import FUNCTIONS_DIR, LoadedApp, load_app
from vigil.local.scheduler import expression
from vigil.ops import iam, web
from vigil.ops.access import LAYER_ROOT, app_access
from vigil.ops.apispec import merged_swagger
from vigil.ops.parameters import CONDITIONS, ENVIRONMENT, PARAMETERS
from vigil.platform.resources import REPO_ROOT, QueueDef, ResourceDefinition

RUNTIME = "python3.11"
MAX_LAMBDA_TIMEOUT = 900


def _relative(path: Path, base: Path) -> str:
    return os.path.relpath(path, base)


def render(
    definition: ResourceDefinition,
    *,
    base_dir: Path,
    functions_dir: Path = FUNCTIONS_DIR,
    layer_dir: Path = LAYER_ROOT.parent,
    root: Path = REPO_ROOT,
) -> dict[str, Any]:
    """The template as a dict; code paths are relative to `base_dir` (where it will be written)."""
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    _bus(resources, outputs)
    for bucket in definition.buckets:
        _bucket(resources, outputs, bucket)
    for queue in definition.queues:
        _queue(resources, outputs, queue)
    for machine in definition.state_machines:
        _state_machine(resources, outputs, machine.name, root / machine.definition, machine.substitutions)
    resources["CoreLayer"] = {
        "Type": "AWS::Serverless::LayerVersion",
        "Properties": {
            "LayerName": {"Fn::Sub": "${ResourcePrefix}core"},
            "Description": "The vigil package and its dependencies (built by `vigil deploy`)",
            "ContentUri": _relative(layer_dir, base_dir),
            "CompatibleRuntimes": [RUNTIME],
        },
    }
    _alarm_topic(resources, outputs)
    _migrations(resources, base_dir, root)
    api_handlers: list[tuple[LoadedApp, str]] = []
    for app_file in sorted(functions_dir.glob("*/app.py")):
        loaded = load_app(app_file)
        api_handlers.extend(_app_functions(resources, definition, loaded, app_file.resolve(), base_dir))
    if api_handlers:
        _api(resources, outputs, api_handlers)
    web_resources, web_outputs = web.resources(with_api=bool(api_handlers))
    resources.update(web_resources)
    outputs.update(web_outputs)
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": "Vigil: monitoring, alerting and incident management (rendered from "
                       "infra/resources.yaml and functions/*/app.py; do not edit)",
        "Parameters": PARAMETERS,
        "Conditions": CONDITIONS,
        "Globals": {"Function": {
            "Runtime": RUNTIME,
            "MemorySize": {"Ref": "FunctionMemory"},
            "Timeout": {"Ref": "FunctionTimeout"},
            "Layers": [{"Ref": "CoreLayer"}],
            "Tracing": "Active",
            "Environment": {"Variables": ENVIRONMENT},
            "VpcConfig": {"Fn::If": ["HasVpc", {
                "SubnetIds": {"Ref": "SubnetIds"}, "SecurityGroupIds": {"Ref": "SecurityGroupIds"},
            }, {"Ref": "AWS::NoValue"}]},
        }},
        "Resources": resources,
        "Outputs": outputs,
    }


def _name(logical: str) -> dict[str, Any]:
    return {"Fn::Sub": "${ResourcePrefix}" + logical}


def _bus(resources: dict[str, Any], outputs: dict[str, Any]) -> None:
    resources["EventBus"] = {"Type": "AWS::Events::EventBus", "Properties": {"Name": _name("events")}}
    outputs["EventBusName"] = {"Value": {"Ref": "EventBus"}}


def _bucket(resources: dict[str, Any], outputs: dict[str, Any], name: str) -> None:
    lid = iam.bucket_id(name)
    # Buckets hold incident attachments and reports: a stack deletion must not take them along.
    resources[lid] = {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BucketName": _name(name),
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True, "BlockPublicPolicy": True,
                "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            # Browsers upload attachments and fetch reports with presigned URLs.
            "CorsConfiguration": {"CorsRules": [{
                "AllowedOrigins": {"Fn::Split": [",", {"Ref": "CorsOrigins"}]},
                "AllowedMethods": ["GET", "PUT", "HEAD"],
                "AllowedHeaders": ["*"],
                "MaxAge": 3600,
            }]},
        },
    }
    outputs[lid + "Name"] = {"Value": {"Ref": lid}}


def _queue(resources: dict[str, Any], outputs: dict[str, Any], queue: QueueDef) -> None:
    qid, did = iam.queue_id(queue.name), iam.dlq_id(queue.name)
    resources[did] = {"Type": "AWS::SQS::Queue", "Properties": {
        "QueueName": _name(queue.dlq_name), "MessageRetentionPeriod": 1209600,
        "SqsManagedSseEnabled": True,
    }}
    resources[qid] = {"Type": "AWS::SQS::Queue", "Properties": {
        "QueueName": _name(queue.name),
        "VisibilityTimeout": queue.visibility_timeout,
        "MessageRetentionPeriod": queue.retention_seconds,
        "SqsManagedSseEnabled": True,
        "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [did, "Arn"]},
                          "maxReceiveCount": queue.max_receive_count},
    }}
    outputs[qid + "Url"] = {"Value": {"Ref": qid}}
    resources[did + "DepthAlarm"] = _alarm(
        f"Messages waiting in the {queue.dlq_name} dead-letter queue: redrive after fixing the cause",
        namespace="AWS/SQS", metric="ApproximateNumberOfMessagesVisible", statistic="Maximum",
        dimension=("QueueName", {"Fn::GetAtt": [did, "QueueName"]}), threshold={"Ref": "DlqAlarmThreshold"},
    )
    if not queue.events:
        return
    rid = iam.logical_id(queue.name, "rule")
    from vigil.events.catalog import SOURCE

    resources[rid] = {"Type": "AWS::Events::Rule", "Properties": {
        "Name": _name(queue.name),
        "EventBusName": {"Ref": "EventBus"},
        "EventPattern": {"source": [SOURCE], "detail-type": sorted(queue.events)},
        "State": "ENABLED",
        "Targets": [{"Id": "queue", "Arn": {"Fn::GetAtt": [qid, "Arn"]}}],
    }}
    resources[iam.logical_id(queue.name, "queue", "policy")] = {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {"Queues": [{"Ref": qid}], "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": [qid, "Arn"]},
                "Condition": {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [rid, "Arn"]}}},
            }],
        }},
    }


def _state_machine(resources: dict[str, Any], outputs: dict[str, Any], name: str, path: Path,
                   substitutions: dict[str, str]) -> None:
    mid = iam.machine_id(name)
    values: dict[str, Any] = {}
    queues: list[str] = []
    for key, ref in substitutions.items():
        kind, _, target = ref.partition(":")
        if kind == "queue":
            values[key] = {"Ref": iam.queue_id(target)}
            queues.append(target)
        else:
            values[key] = ref
    resources[mid + "Role"] = iam.state_machine_role(queues)
    props: dict[str, Any] = {
        "StateMachineName": _name(name),
        "Definition": json.loads(path.read_text()),
        "RoleArn": {"Fn::GetAtt": [mid + "Role", "Arn"]},
    }
    if values:
        props["DefinitionSubstitutions"] = values
    resources[mid] = {"Type": "AWS::StepFunctions::StateMachine", "Properties": props}
    outputs[mid + "Arn"] = {"Value": {"Ref": mid}}


def _migrations(resources: dict[str, Any], base_dir: Path, root: Path) -> None:
    """A function that migrates the database, run by CloudFormation whenever the migrations change."""
    from vigil.migrations import discover

    digest = hashlib.sha256("".join(f"{m.version}:{m.checksum}" for m in discover()).encode()).hexdigest()
    _function(resources, "MigrateFunction", code_uri=_relative(root / "infra" / "lambda" / "migrate", base_dir),
              handler="handler.handler", statements=[], timeout=300,
              description="Vigil: database migrations (CloudFormation custom resource; see the admin guide)")
    resources["DatabaseMigrations"] = {"Type": "Custom::DatabaseMigrations", "Properties": {
        "ServiceToken": {"Fn::GetAtt": ["MigrateFunction", "Arn"]},
        "MigrationsVersion": digest[:32],  # a new migration → an Update → the function runs again
    }}


def _alarm_topic(resources: dict[str, Any], outputs: dict[str, Any]) -> None:
    resources["AlarmTopic"] = {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": _name("alarms")}}
    resources["AlarmEmailSubscription"] = {
        "Type": "AWS::SNS::Subscription", "Condition": "HasAlarmEmail",
        "Properties": {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email",
                       "Endpoint": {"Ref": "AlarmEmail"}},
    }
    outputs["AlarmTopicArn"] = {"Value": {"Ref": "AlarmTopic"}}


def _alarm(description: str, *, namespace: str, metric: str, statistic: str,
           dimension: tuple[str, Any], threshold: Any) -> dict[str, Any]:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmDescription": description,
        "Namespace": namespace, "MetricName": metric, "Statistic": statistic,
        "Dimensions": [{"Name": dimension[0], "Value": dimension[1]}],
        "Period": 300, "EvaluationPeriods": 1, "Threshold": threshold,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": "AlarmTopic"}], "OKActions": [{"Ref": "AlarmTopic"}],
    }}


def _function(resources: dict[str, Any], fid: str, *, code_uri: str, handler: str,
              statements: list[dict[str, Any]], description: str,
              events: dict[str, Any] | None = None, timeout: int | dict[str, str] | None = None) -> None:
    resources[fid + "Role"] = iam.function_role(statements)
    props: dict[str, Any] = {
        "CodeUri": code_uri, "Handler": handler, "Description": description[:256],
        "Role": {"Fn::GetAtt": [fid + "Role", "Arn"]},
    }
    if events:
        props["Events"] = events
    if timeout is not None:
        props["Timeout"] = timeout
    resources[fid] = {"Type": "AWS::Serverless::Function", "Properties": props}
    if fid != "MigrateFunction":  # new code runs only once the database has its new schema
        resources[fid]["DependsOn"] = ["DatabaseMigrations"]
    resources[fid + "ErrorsAlarm"] = _alarm(
        f"{description}: errors (see the on-call runbook)", namespace="AWS/Lambda", metric="Errors",
        statistic="Sum", dimension=("FunctionName", {"Ref": fid}), threshold={"Ref": "FunctionErrorThreshold"},
    )


def _app_functions(resources: dict[str, Any], definition: ResourceDefinition, loaded: LoadedApp,
                   app_file: Path, base_dir: Path) -> list[tuple[LoadedApp, str]]:
    access = app_access(loaded.service, app_file, definition)
    code_uri = _relative(app_file.parent, base_dir)
    base_statements = iam.function_statements(access, None)
    api: list[tuple[LoadedApp, str]] = []
    if loaded.app.routes:
        fid = iam.logical_id(loaded.service, "api", "handler")
        _function(resources, fid, code_uri=code_uri, handler="app.app", statements=base_statements,
                  description=f"{loaded.app.app_name}: HTTP API")
        resources[fid + "InvokePermission"] = {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Ref": fid}, "Action": "lambda:InvokeFunction",
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*"},
        }}
        api.append((loaded, fid))
    for schedule in loaded.schedules:
        fid = iam.logical_id(loaded.service, schedule.name)
        _function(resources, fid, code_uri=code_uri, handler=schedule.handler_string,
                  statements=base_statements, description=f"{loaded.app.app_name}: schedule {schedule.name}",
                  timeout={"Ref": "ScheduleTimeout"},
                  events={"Schedule": {"Type": "Schedule", "Properties": {
                      "Schedule": expression(schedule.schedule_expression), "Enabled": True}}})
    for source in loaded.queue_handlers:
        try:
            queue = definition.queue(source.queue or "")
        except KeyError:
            raise ValueError(
                f"functions/{loaded.service}: handler {source.name} consumes queue {source.queue!r}, "
                "which infra/resources.yaml does not declare"
            ) from None
        fid = iam.logical_id(loaded.service, source.name)
        _function(resources, fid, code_uri=code_uri, handler=source.handler_string,
                  statements=iam.function_statements(access, queue),
                  description=f"{loaded.app.app_name}: consumer of {queue.name}",
                  # Lambda refuses a function timeout longer than its queue's visibility timeout.
                  timeout=min(MAX_LAMBDA_TIMEOUT, queue.visibility_timeout),
                  events={"Queue": {"Type": "SQS", "Properties": {
                      "Queue": {"Fn::GetAtt": [iam.queue_id(queue.name), "Arn"]},
                      "BatchSize": source.batch_size, "Enabled": True}}})
    return api


def _api(resources: dict[str, Any], outputs: dict[str, Any], handlers: list[tuple[LoadedApp, str]]) -> None:
    swagger = merged_swagger(handlers, "vigil")
    resources["Api"] = {"Type": "AWS::Serverless::Api", "Properties": {
        "Name": _name("api"),
        "StageName": {"Ref": "Stage"},
        "EndpointConfiguration": {"Type": "REGIONAL"},
        "TracingEnabled": True,
        "DefinitionBody": swagger,
    }}
    outputs["ApiUrl"] = {"Value": {"Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage}"}}
