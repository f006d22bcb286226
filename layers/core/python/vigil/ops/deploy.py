"""Deploy and tear down a stage, on AWS (CloudFormation) or LocalStack (the bootstrap).

AWS: render the template, build the layer (the vigil package plus its dependencies for Lambda's
platform), zip and upload every code directory to an artifacts bucket, then create and run a
CloudFormation change set (the same steps as `aws cloudformation package` + `deploy`, done with
boto3 so no AWS CLI is needed). LocalStack: the functions run in the `platform` container of the
compose setup; deploying a stage creates its resources with `vigil bootstrap`'s code.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import yaml

from vigil import aws
from vigil.logging import get_logger
from vigil.ops import web
from vigil.ops.buckets import ensure_bucket
from vigil.ops.template import render
from vigil.platform.resources import REPO_ROOT, ResourceDefinition
from vigil.settings import Settings

log = get_logger(__name__)

BUILD_DIR = REPO_ROOT / "infra" / "build"
STAGES_DIR = REPO_ROOT / "infra" / "stages"
LAYER_SOURCE = REPO_ROOT / "layers" / "core" / "python" / "vigil"
_SKIP = {"__pycache__", ".chalice", "node_modules", "vigil.egg-info"}


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def stack_name(stage: str) -> str:
    return f"vigil-{stage}"


def default_prefix(stage: str) -> str:
    return f"vigil-{stage}-"


def write_template(definition: ResourceDefinition, out: Path, *, functions_dir: Path | None = None,
                   layer_dir: Path | None = None) -> dict[str, Any]:
    out.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"base_dir": out.parent.resolve()}
    if functions_dir is not None:
        kwargs["functions_dir"] = functions_dir
    kwargs["layer_dir"] = (layer_dir or out.parent / "layer").resolve()
    template = render(definition, **kwargs)
    out.write_text(yaml.dump(template, Dumper=_NoAliases, sort_keys=False, width=120))
    return template


def stage_parameters(stage: str, overrides: dict[str, str] | None = None,
                     stages_dir: Path = STAGES_DIR) -> dict[str, str]:
    """Parameters of a stage: `infra/stages/<stage>.yaml`, then overrides; Stage and prefix always set."""
    params: dict[str, str] = {"Stage": stage, "ResourcePrefix": default_prefix(stage),
                              "SecretsId": f"vigil/{stage}"}
    path = stages_dir / f"{stage}.yaml"
    if path.is_file():
        params.update({k: str(v) for k, v in (yaml.safe_load(path.read_text()) or {}).items()})
    params.update(overrides or {})
    if params["Stage"] != stage:
        raise ValueError(f"{path} sets Stage={params['Stage']!r} but the stage is {stage!r}")
    return params


# -- the layer ---------------------------------------------------------------------------------

def runtime_requirements(pyproject: Path = REPO_ROOT / "pyproject.toml") -> list[str]:
    return list(tomllib.loads(pyproject.read_text())["project"]["dependencies"])


def _package_openapi(target: Path) -> None:
    """The API document of every app, for the platform function to serve on AWS."""
    from vigil.api import openapi
    from vigil.local.apps import load_all

    load_all()
    openapi.write_packaged(target)


def build_layer(layer_dir: Path, *, install_dependencies: bool = True) -> Path:
    """`layer_dir/python/` = the vigil package (+ its dependencies, as wheels for Lambda)."""
    target = layer_dir / "python"
    if layer_dir.exists():
        shutil.rmtree(layer_dir)
    shutil.copytree(LAYER_SOURCE, target / "vigil", ignore=shutil.ignore_patterns(*_SKIP, "*.pyc"))
    _package_openapi(target / "vigil" / "api" / "openapi.json")
    if install_dependencies:
        # Lambda runs Amazon Linux on x86_64: take manylinux wheels only, never build locally.
        subprocess.run(  # noqa: S603 - our own interpreter with fixed arguments
            [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target),
             "--platform", "manylinux2014_x86_64", "--implementation", "cp", "--python-version", "3.11",
             "--only-binary=:all:", *runtime_requirements()],
            check=True,
        )
    return layer_dir


# -- packaging ---------------------------------------------------------------------------------

def zip_directory(source: Path, dest: Path) -> Path:
    """A reproducible zip (sorted entries, fixed times) so unchanged code keeps its hash."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source)
            if path.is_dir() or any(part in _SKIP for part in rel.parts) or path.suffix == ".pyc":
                continue
            info = zipfile.ZipInfo(str(rel), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return dest


def package(template: dict[str, Any], *, base_dir: Path, bucket: str, prefix: str,
            work_dir: Path) -> dict[str, Any]:
    """Upload every local CodeUri / ContentUri as a zip; return the template pointing at S3."""
    s3 = aws.client("s3")
    uploaded: dict[Path, str] = {}
    packaged = json.loads(json.dumps(template))
    for resource in packaged["Resources"].values():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            value = props.get(key)
            if not isinstance(value, str) or value.startswith("s3://"):
                continue
            source = (base_dir / value).resolve()
            if source not in uploaded:
                archive = zip_directory(source, work_dir / f"{source.name}.zip")
                digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:32]
                object_key = f"{prefix}{source.name}-{digest}.zip"
                s3.upload_file(str(archive), bucket, object_key)
                uploaded[source] = f"s3://{bucket}/{object_key}"
            props[key] = uploaded[source]
    return packaged


# -- CloudFormation ----------------------------------------------------------------------------

def _stack_status(cfn: Any, name: str) -> str | None:
    try:
        return str(cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])
    except aws.ClientErrorType as exc:
        if "does not exist" in str(exc):
            return None
        raise


def _wait(cfn: Any, name: str, *, deadline_seconds: int = 3600, poll: float = 10.0) -> str:
    deadline = time.monotonic() + deadline_seconds
    while True:
        status = _stack_status(cfn, name) or "DELETE_COMPLETE"
        if not status.endswith("_IN_PROGRESS") or time.monotonic() > deadline:
            return status
        time.sleep(poll)


def deploy_stack(*, name: str, template_url: str, parameters: dict[str, str], poll: float = 10.0) -> dict[str, str]:
    """Create or update the stack through a change set; return its outputs."""
    cfn = aws.client("cloudformation")
    status = _stack_status(cfn, name)
    if status == "ROLLBACK_COMPLETE":  # a failed first creation cannot be updated
        raise RuntimeError(f"stack {name} failed to create and was rolled back: read its events, then "
                           "remove it with `vigil teardown --target aws` and deploy again")
    if status and status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS":
        raise RuntimeError(f"stack {name} is busy ({status}); deploy again when it has finished")
    change_type = "UPDATE" if status and status != "REVIEW_IN_PROGRESS" else "CREATE"
    change_set = f"vigil-{int(time.time())}"
    cfn.create_change_set(
        StackName=name, ChangeSetName=change_set, ChangeSetType=change_type, TemplateURL=template_url,
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    while True:
        described = cfn.describe_change_set(StackName=name, ChangeSetName=change_set)
        if described["Status"] in ("CREATE_COMPLETE", "FAILED"):
            break
        time.sleep(poll)
    if described["Status"] == "FAILED":
        reason = str(described.get("StatusReason", ""))
        if "didn't contain changes" in reason or "No updates" in reason:
            log.info("stack is up to date", extra={"stack": name})
            return stack_outputs(name)
        raise RuntimeError(f"change set failed: {reason}")
    cfn.execute_change_set(StackName=name, ChangeSetName=change_set)
    final = _wait(cfn, name, poll=poll)
    if final not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
        raise RuntimeError(f"stack {name} ended in {final}; see its events in the CloudFormation console")
    return stack_outputs(name)


def stack_outputs(name: str) -> dict[str, str]:
    stack = aws.client("cloudformation").describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def delete_stack(name: str, *, poll: float = 10.0) -> str:
    cfn = aws.client("cloudformation")
    if _stack_status(cfn, name) is None:
        return "absent"
    cfn.delete_stack(StackName=name)
    return _wait(cfn, name, poll=poll)


def deploy_aws(definition: ResourceDefinition, *, stage: str, settings: Settings, parameters: dict[str, str],
               artifacts_bucket: str | None = None, build_dir: Path = BUILD_DIR,
               install_dependencies: bool = True,
               web_dist: Path | None = REPO_ROOT / "frontend" / "dist") -> dict[str, str]:
    template_path = build_dir / "template.yaml"
    layer_dir = build_layer(build_dir / "layer", install_dependencies=install_dependencies)
    template = write_template(definition, template_path, layer_dir=layer_dir)
    bucket = artifacts_bucket or f"{parameters['ResourcePrefix']}artifacts"
    ensure_bucket(bucket, settings.aws_region)
    packaged = package(template, base_dir=template_path.parent, bucket=bucket, prefix=f"{stage}/",
                       work_dir=build_dir / "zips")
    body = json.dumps(packaged, separators=(",", ":")).encode()
    key = f"{stage}/template-{hashlib.sha256(body).hexdigest()[:32]}.json"
    aws.client("s3").put_object(Bucket=bucket, Key=key, Body=body)
    url = s3_template_url(bucket, key, settings.aws_region)
    outputs = deploy_stack(name=stack_name(stage), template_url=url, parameters=parameters)
    if web_dist is not None and (web_dist / "index.html").is_file() and "WebBucketName" in outputs:
        outputs["WebFilesUploaded"] = str(web.upload(web_dist, outputs["WebBucketName"]))
    else:
        log.warning("web app not uploaded (build it with `npm run build` in frontend/)")
    return outputs


def s3_template_url(bucket: str, key: str, region: str) -> str:
    """The form CloudFormation reads templates from (with the caller's own credentials)."""
    return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"

