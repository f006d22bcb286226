"""LocalStack's ready.d script, run for real against the run's moto server standing in for
LocalStack (its one-time pip install is skipped: the dependencies are already importable)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from vigil import aws
from vigil.platform.resources import REPO_ROOT, load

SCRIPT = REPO_ROOT / "localstack" / "init" / "ready.d" / "10-vigil-bootstrap.sh"
REQUIREMENTS = REPO_ROOT / "localstack" / "init" / "requirements-bootstrap.txt"


def test_the_ready_script_creates_every_resource_with_the_bootstrap(services, tmp_path):
    deps = tmp_path / "deps"
    deps.mkdir()
    (deps / f".installed-{hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:16]}").touch()
    prefix = f"ls{services.run_id}-"
    env = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",  # python3 with boto3 & co.
        "VIGIL_SRC": str(REPO_ROOT),
        "VIGIL_BOOTSTRAP_DEPS": str(deps),
        "LOCALSTACK_ENDPOINT": services.settings.aws_endpoint_url,
        "RESOURCE_PREFIX": prefix,
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
        "CORS_ORIGINS": "https://vigil.localhost",
    }
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"resources bootstrapped with prefix {prefix}" in result.stdout

    definition = load()
    urls = aws.client("sqs").list_queues(QueueNamePrefix=prefix).get("QueueUrls", [])
    assert {u.rsplit("/", 1)[-1] for u in urls} == {
        prefix + n for q in definition.queues for n in (q.name, q.dlq_name)}
    buckets = {b["Name"] for b in aws.client("s3").list_buckets()["Buckets"]}
    assert {prefix + b for b in definition.buckets} <= buckets
    machines = {m["name"] for m in aws.client("stepfunctions").list_state_machines()["stateMachines"]}
    assert {prefix + m.name for m in definition.state_machines} <= machines
