"""`vigil deploy` / `vigil teardown` offline: the LocalStack path against the run's moto server
(standing in for LocalStack), code packaging into S3, and the CloudFormation change-set flow."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from vigil import aws
from vigil import settings as settings_mod
from vigil.cli import main
from vigil.local.runtime import reset_adapters
from vigil.ops import deploy
from vigil.platform.resources import load

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture
def keep_logging():
    """`vigil` sets up logging on the stdout of the moment (a capture that is closed later)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def cli(services, keep_logging):
    def run(*argv: str) -> dict:
        out = io.StringIO()
        try:
            with redirect_stdout(out):
                assert main(list(argv)) == 0
        finally:  # the command installs the stage's settings; give the run its own back
            settings_mod.configure(services.settings)
            reset_adapters()
        # JSON-lines logs share stdout; the command's result is the indented document at the end
        lines = out.getvalue().splitlines()
        return json.loads("\n".join(lines[lines.index("{"):]))

    return run


def _queue_names(prefix: str) -> set[str]:
    urls = aws.client("sqs").list_queues(QueueNamePrefix=prefix).get("QueueUrls", [])
    return {u.rsplit("/", 1)[-1] for u in urls}


def test_localstack_deploy_creates_the_stage_and_prints_its_endpoints_then_teardown_removes_it(cli, services):
    endpoint = services.settings.aws_endpoint_url
    stage = f"ls{services.run_id[:6]}"
    prefix = f"vigil-{stage}-"
    definition = FIXTURES / "resources.yaml"
    # WHEN a stage is deployed to "LocalStack"
    result = cli("deploy", "--target", "localstack", "--stage", stage, "--endpoint", endpoint,
                 "--definition", str(definition))
    # THEN it printed the endpoints and created every queue, DLQ, bucket and state machine
    ep = result["endpoints"]
    assert ep["awsEndpoint"] == endpoint
    assert ep["api"].endswith("/api/v1")
    assert set(ep["queues"]) == {q.name for q in load(definition).queues}
    assert all(u.endswith(prefix + name) for name, u in ep["queues"].items())
    assert _queue_names(prefix) == {prefix + n for q in load(definition).queues for n in (q.name, q.dlq_name)}
    assert ep["buckets"] == [prefix + "probe-bucket"]
    assert set(ep["stateMachines"]) == {"probe-wait"}

    # WHEN the stage is torn down with its buckets
    aws.client("s3").put_object(Bucket=prefix + "probe-bucket", Key="a/b.txt", Body=b"x")
    removed = cli("teardown", "--target", "localstack", "--stage", stage, "--endpoint", endpoint,
                  "--definition", str(definition), "--delete-buckets")["removed"]
    # THEN nothing of it is left, and the run's own resources are untouched
    assert _queue_names(prefix) == set()
    assert prefix + "probe-bucket" in removed["buckets"]
    names = {b["Name"] for b in aws.client("s3").list_buckets()["Buckets"]}
    assert prefix + "probe-bucket" not in names
    assert services.settings.resource_name("attachments") in names
    machines = {m["name"] for m in aws.client("stepfunctions").list_state_machines()["stateMachines"]}
    assert prefix + "probe-wait" not in machines


@pytest.mark.parametrize("argv, message", [
    (["deploy", "--stage", "x"], "--target"),
    (["deploy", "--target", "aws"], "--stage"),
    (["deploy", "--target", "gcp", "--stage", "x"], "invalid choice"),
    (["deploy", "--target", "aws", "--stage", "x", "--param", "NoEquals"], "Key=Value"),
    (["teardown", "--stage", "x"], "--target"),
])
def test_bad_arguments_are_refused_with_a_clear_message(argv, message, capsys, keep_logging):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_packaging_uploads_each_code_directory_once_and_points_the_template_at_s3(services, tmp_path):
    layer = deploy.build_layer(tmp_path / "layer", install_dependencies=False)
    template = deploy.write_template(load(FIXTURES / "resources.yaml"), tmp_path / "template.yaml",
                                     functions_dir=FIXTURES / "functions", layer_dir=layer)
    bucket = services.settings.resource_name("artifacts")
    deploy.ensure_bucket(bucket, "us-east-1")
    packaged = deploy.package(template, base_dir=tmp_path, bucket=bucket, prefix="t/", work_dir=tmp_path / "zips")

    uris = {r["Properties"].get("CodeUri") or r["Properties"].get("ContentUri")
            for r in packaged["Resources"].values() if r["Type"].startswith("AWS::Serverless::")
            and r["Type"] != "AWS::Serverless::Api"}
    assert all(u.startswith(f"s3://{bucket}/t/") for u in uris)
    assert len(uris) == 3  # one probe app directory (five functions), the migrator, the layer
    keys = {o["Key"] for o in aws.client("s3").list_objects_v2(Bucket=bucket)["Contents"]}
    assert len(keys) == 3
    contents = set()
    for key in keys:
        body = aws.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
        names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        contents.update(names)
        assert not any("__pycache__" in n for n in names)
    assert {"app.py", "handler.py", "python/vigil/__init__.py", "python/vigil/ops/migrate_handler.py"} <= contents
    # the same code packaged again lands on the same keys (content-addressed)
    again = deploy.package(template, base_dir=tmp_path, bucket=bucket, prefix="t/", work_dir=tmp_path / "zips2")
    assert again == packaged


def test_change_set_flow_creates_then_updates_a_stack_and_returns_outputs(services):
    bucket = services.settings.resource_name("artifacts")
    deploy.ensure_bucket(bucket, "us-east-1")
    name = f"vigil-cs{services.run_id}"

    def upload(retention: int) -> str:
        body = json.dumps({
            "Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {
                "QueueName": f"{name}-q", "MessageRetentionPeriod": retention}}},
            "Outputs": {"QueueUrl": {"Value": {"Ref": "Q"}}},
        })
        aws.client("s3").put_object(Bucket=bucket, Key=f"{name}-{retention}.json", Body=body.encode())
        return deploy.s3_template_url(bucket, f"{name}-{retention}.json", "us-east-1")

    deploy.deploy_stack(name=name, template_url=upload(3600), parameters={}, poll=0.1)
    url = aws.client("sqs").get_queue_url(QueueName=f"{name}-q")["QueueUrl"]  # moto keeps no Outputs here
    assert url.endswith(f"{name}-q")
    cfn = aws.client("cloudformation")
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    # WHEN it is deployed again with a changed template THEN the stack is updated, not recreated
    deploy.deploy_stack(name=name, template_url=upload(7200), parameters={}, poll=0.1)
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"
    assert deploy.delete_stack(name, poll=0.1) in ("DELETE_COMPLETE", "absent")
    assert deploy.delete_stack(name, poll=0.1) == "absent"


def test_the_built_web_app_is_uploaded_with_types_and_cache_headers(services, tmp_path):
    from vigil.ops import web

    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>Vigil</title>")
    (dist / "assets" / "app-1a2b.js").write_text("console.log('hi')")
    bucket = services.settings.resource_name("web")
    deploy.ensure_bucket(bucket, "us-east-1")
    assert web.upload(dist, bucket) == 2
    s3 = aws.client("s3")
    index = s3.head_object(Bucket=bucket, Key="index.html")
    asset = s3.head_object(Bucket=bucket, Key="assets/app-1a2b.js")
    assert index["ContentType"] == "text/html" and index["CacheControl"] == "no-cache"
    assert asset["ContentType"] in ("text/javascript", "application/javascript")
    assert "immutable" in asset["CacheControl"]
    with pytest.raises(ValueError, match="npm run build"):
        web.upload(tmp_path / "empty", bucket)


def test_render_backup_and_dlq_commands_run_from_the_cli(cli, tmp_path):
    rendered = cli("deploy", "render", "--out", str(tmp_path / "t" / "template.yaml"))
    assert rendered["resources"] > 50 and (tmp_path / "t" / "template.yaml").is_file()
    manifest = cli("backup", "--out", str(tmp_path / "bk"))
    assert (tmp_path / "bk" / "database.dump").stat().st_size == manifest["database"]["bytes"] > 0
    assert set(manifest["buckets"]) == set(load().buckets)
    depths = cli("dlq", "list")["deadLetters"]
    assert set(depths) == {q.name for q in load().queues}
