"""The CloudFormation template rendered from infra/resources.yaml and functions/*/app.py:
cfn-lint passes, and every route, schedule, consumer, queue and state machine is wired."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from vigil.local.apps import FUNCTIONS_DIR, load_app
from vigil.ops import deploy
from vigil.ops.template import render
from vigil.platform.resources import REPO_ROOT, load

FIXTURES = Path(__file__).parents[1] / "fixtures"
CFN_LINT = Path(sys.executable).with_name("cfn-lint")


def _lint(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CFN_LINT), "--format", "parseable", *map(str, paths)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("render")
    real = deploy.write_template(load(), out / "template.yaml")
    fixture = deploy.write_template(load(FIXTURES / "resources.yaml"), out / "fixture.yaml",
                                    functions_dir=FIXTURES / "functions")
    return out, real, fixture


def _of_type(template: dict, kind: str) -> dict[str, dict]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_cfn_lint_passes_on_the_real_and_the_fixture_templates(rendered):
    out, _, _ = rendered
    result = _lint(out / "template.yaml", out / "fixture.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_catches_a_broken_template(rendered):
    # GIVEN the fixture template with a queue wired to a DLQ that does not exist
    out, _, fixture = rendered
    broken = json.loads(json.dumps(fixture))
    broken["Resources"]["ProbeAQueue"]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"] = {
        "Fn::GetAtt": ["NoSuchDlq", "Arn"]}
    (out / "broken.json").write_text(json.dumps(broken))
    # THEN the same lint step fails (so a passing lint means something)
    assert _lint(out / "broken.json").returncode != 0


def test_every_route_of_every_app_reaches_its_apps_handler(rendered):
    _, real, _ = rendered
    paths = real["Resources"]["Api"]["Properties"]["DefinitionBody"]["paths"]
    apps = [load_app(p) for p in sorted(FUNCTIONS_DIR.glob("*/app.py"))]
    assert apps, "no apps found under functions/"
    for loaded in apps:
        handler = "".join(w.capitalize() for w in re.split(r"[^a-zA-Z0-9]", loaded.service)) + "ApiHandler"
        for path, methods in loaded.app.routes.items():
            for method in methods:
                spec = paths[path][method.lower()]
                uri = spec["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
                if method != "OPTIONS":  # preflights of a shared path may be answered by another app
                    assert f"${{{handler}.Arn}}" in uri, (loaded.service, path, method)
        if loaded.app.routes:
            permission = real["Resources"][handler + "InvokePermission"]["Properties"]
            assert permission["FunctionName"] == {"Ref": handler}
            assert real["Resources"][handler]["Properties"]["Handler"] == "app.app"


def test_schedules_and_consumers_become_functions_with_their_events(rendered):
    _, _, fixture = rendered
    fns = _of_type(fixture, "AWS::Serverless::Function")
    schedule = fns["ProbeEveryMinute"]["Properties"]
    assert schedule["Handler"] == "app.every_minute"
    assert schedule["Events"]["Schedule"]["Properties"]["Schedule"] == "rate(1 minute)"
    assert schedule["Timeout"] == {"Ref": "ScheduleTimeout"}  # the evaluator runs sub-minute cycles
    consumer = fns["ProbeOnFailing"]["Properties"]
    assert consumer["Handler"] == "app.on_failing"
    assert consumer["Events"]["Queue"]["Properties"] == {
        "Queue": {"Fn::GetAtt": ["ProbeFailingQueue", "Arn"]}, "BatchSize": 1, "Enabled": True}
    # Lambda refuses a consumer whose timeout exceeds its queue's visibility timeout.
    assert consumer["Timeout"] == 1
    for fid in fns:
        assert fixture["Resources"][fid + "ErrorsAlarm"]["Properties"]["Dimensions"][0]["Value"] == {"Ref": fid}


def test_queues_have_dlq_redrive_rule_policy_and_alarm_as_declared(rendered):
    _, _, fixture = rendered
    res = fixture["Resources"]
    for queue in load(FIXTURES / "resources.yaml").queues:
        stem = "".join(w.capitalize() for w in queue.name.split("-"))
        props = res[stem + "Queue"]["Properties"]
        assert props["QueueName"] == {"Fn::Sub": "${ResourcePrefix}" + queue.name}
        assert props["VisibilityTimeout"] == queue.visibility_timeout
        assert props["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [stem + "Dlq", "Arn"]},
                                          "maxReceiveCount": queue.max_receive_count}
        assert res[stem + "Dlq"]["Properties"]["QueueName"] == {"Fn::Sub": "${ResourcePrefix}" + queue.dlq_name}
        rule = res[stem + "Rule"]["Properties"]
        assert rule["EventPattern"]["detail-type"] == sorted(queue.events)
        assert rule["Targets"] == [{"Id": "queue", "Arn": {"Fn::GetAtt": [stem + "Queue", "Arn"]}}]
        policy = res[stem + "QueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
        assert policy["Condition"]["ArnEquals"]["aws:SourceArn"] == {"Fn::GetAtt": [stem + "Rule", "Arn"]}
        alarm = res[stem + "DlqDepthAlarm"]["Properties"]
        assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": [stem + "Dlq", "QueueName"]}


def test_state_machine_placeholders_are_all_substituted_from_the_definition(rendered):
    _, _, fixture = rendered
    machine = fixture["Resources"]["ProbeWaitStateMachine"]["Properties"]
    text = json.dumps(machine["Definition"])
    placeholders = set(re.findall(r"\$\{(\w+)\}", text))
    assert placeholders == set(machine["DefinitionSubstitutions"]) == {"QueueUrl"}
    assert machine["DefinitionSubstitutions"]["QueueUrl"] == {"Ref": "ProbeCQueue"}
    role = fixture["Resources"]["ProbeWaitStateMachineRole"]["Properties"]
    statement = role["Policies"][0]["PolicyDocument"]["Statement"][0]
    assert statement["Resource"] == [{"Fn::GetAtt": ["ProbeCQueue", "Arn"]}]


def test_roles_are_least_privilege(rendered):
    _, real, fixture = rendered
    for template in (real, fixture):
        for lid, role in _of_type(template, "AWS::IAM::Role").items():
            for policy in role["Properties"].get("Policies", []):
                for st in policy["PolicyDocument"]["Statement"]:
                    assert all(a != "*" and not a.endswith(":*") for a in st["Action"]), (lid, st)
    statements = fixture["Resources"]["ProbeOnARole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    receive = [s for s in statements if "sqs:ReceiveMessage" in s["Action"]]
    assert [s["Resource"] for s in receive] == [{"Fn::GetAtt": ["ProbeAQueue", "Arn"]}]
    dlq_send = [s for s in statements if s["Resource"] == {"Fn::GetAtt": ["ProbeADlq", "Arn"]}]
    assert dlq_send and "sqs:SendMessage" in dlq_send[0]["Action"]
    # the probe app's code never names its bucket: no S3 access at all
    assert not any(a.startswith("s3:") for s in statements for a in s["Action"])


def test_a_consumer_of_an_undeclared_queue_is_refused(tmp_path):
    app_dir = tmp_path / "fns" / "orphanqueue"
    app_dir.mkdir(parents=True)
    (app_dir / "app.py").write_text(
        "from chalice import Chalice\napp = Chalice(app_name='orphan')\n\n"
        "@app.on_sqs_message(queue='nowhere', batch_size=1)\ndef eat(event):\n    pass\n"
    )
    with pytest.raises(ValueError, match="nowhere"):
        render(load(FIXTURES / "resources.yaml"), base_dir=tmp_path, functions_dir=tmp_path / "fns")


def test_two_apps_declaring_the_same_route_are_refused(tmp_path):
    for name in ("dupone", "duptwo"):
        d = tmp_path / "fns" / name
        d.mkdir(parents=True)
        (d / "app.py").write_text(
            f"from chalice import Chalice\napp = Chalice(app_name='{name}')\n\n"
            "@app.route('/api/v1/same')\ndef same():\n    return {}\n"
        )
    with pytest.raises(ValueError, match="GET /api/v1/same"):
        render(load(FIXTURES / "resources.yaml"), base_dir=tmp_path, functions_dir=tmp_path / "fns")


def test_code_paths_are_relative_to_the_template(rendered):
    out, real, _ = rendered
    layer = real["Resources"]["CoreLayer"]["Properties"]["ContentUri"]
    assert (out / layer).resolve() == (out / "layer").resolve()
    for fn in _of_type(real, "AWS::Serverless::Function").values():
        module = fn["Properties"]["Handler"].split(".")[0]  # app.app, app.on_x, handler.handler
        assert (out / fn["Properties"]["CodeUri"] / f"{module}.py").resolve().is_file()
    assert yaml.safe_load((out / "template.yaml").read_text()) == real


def test_stage_parameters_come_from_the_stage_file_then_overrides(rendered, tmp_path):
    params = deploy.stage_parameters("prod", {"LogLevel": "DEBUG"})
    assert params["ResourcePrefix"] == "vigil-prod-" and params["LogLevel"] == "DEBUG"
    assert set(params) <= set(rendered[1]["Parameters"])
    (tmp_path / "odd.yaml").write_text("Stage: other\n")
    with pytest.raises(ValueError, match="Stage"):
        deploy.stage_parameters("odd", stages_dir=tmp_path)
    assert deploy.stage_parameters("fresh", stages_dir=tmp_path)["ResourcePrefix"] == "vigil-fresh-"


def test_stage_files_name_only_template_parameters(rendered):
    known = set(rendered[1]["Parameters"])
    for path in (REPO_ROOT / "infra" / "stages").glob("*.yaml"):
        assert set(yaml.safe_load(path.read_text())) <= known, path


def test_the_web_app_is_served_by_cloudfront_with_the_api_on_the_same_origin(rendered):
    _, real, _ = rendered
    res = real["Resources"]
    config = res["WebDistribution"]["Properties"]["DistributionConfig"]
    api = [b for b in config["CacheBehaviors"] if b["PathPattern"] == "/api/*"]
    assert api and api[0]["TargetOriginId"] == "api"
    assert "POST" in api[0]["AllowedMethods"]
    origins = {o["Id"]: o for o in config["Origins"]}
    assert origins["api"]["DomainName"] == {"Fn::Sub": "${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    # client routes get index.html at the edge; no error-page rewrite that would hide API 404s
    assert "CustomErrorResponses" not in config
    assert "index.html" in res["WebSpaRewrite"]["Properties"]["FunctionCode"]
    bucket = res["WebBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(bucket.values())
    statement = res["WebBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert "${WebDistribution}" in statement["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]


def test_no_app_reaches_code_that_assumes_the_repository_layout():
    # In Lambda the layer is /opt/python/vigil: the local runtime, the bootstrap and the ops
    # tools locate infra/ and functions/ from the repository and must stay out of the apps.
    from vigil.ops.access import reachable_strings

    for app_file in sorted(FUNCTIONS_DIR.glob("*/app.py")):
        _, modules = reachable_strings(app_file)
        local_only = {m for m in modules if m.startswith(("vigil.local", "vigil.platform", "vigil.ops."))}
        assert local_only <= {"vigil.ops.metrics"}, (app_file.parent.name, sorted(local_only))


def test_the_database_is_migrated_by_the_stack_before_new_code_runs(rendered):
    from vigil.migrations import discover

    _, real, _ = rendered
    res = real["Resources"]
    assert res["MigrateFunction"]["Properties"]["Handler"] == "handler.handler"
    custom = res["DatabaseMigrations"]
    assert custom["Properties"]["ServiceToken"] == {"Fn::GetAtt": ["MigrateFunction", "Arn"]}
    assert len(custom["Properties"]["MigrationsVersion"]) == 32 and discover()
    for fid, fn in _of_type(real, "AWS::Serverless::Function").items():
        if fid != "MigrateFunction":
            assert fn["DependsOn"] == ["DatabaseMigrations"], fid


def test_the_template_fits_cloudformations_limits(rendered):
    _, real, _ = rendered
    body = json.dumps(real, separators=(",", ":"))
    assert len(body.encode()) < 1_000_000  # TemplateURL limit (deploy uploads the compact JSON)
    assert len(real["Resources"]) < 300  # of 500, leaving room for what SAM expands
