"""`vigil deploy`, `teardown`, `backup`, `restore` and `dlq` (registered by cli.py)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from vigil.settings import Settings, get_settings

LOCALSTACK_DEFAULT_ENDPOINT = "http://localhost:4566"


def _key_values(pairs: list[str], parser: argparse.ArgumentParser) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            parser.error(f"--param expects Key=Value, got {pair!r}")
        out[key] = value
    return out


def _stage_settings(args: argparse.Namespace, prefix: str) -> Settings:
    s = get_settings()
    update: dict[str, Any] = {"stage": args.stage, "resource_prefix": prefix}
    if args.target == "localstack":
        if args.endpoint:
            update["aws_endpoint_url"] = args.endpoint
        elif not s.aws_endpoint_url and not s.use_localstack:
            update["aws_endpoint_url"] = LOCALSTACK_DEFAULT_ENDPOINT
        if args.s3_endpoint:
            update["s3_endpoint_url"] = args.s3_endpoint
    elif args.endpoint or args.s3_endpoint:
        raise SystemExit("--endpoint and --s3-endpoint are for --target localstack; AWS uses its own")
    else:
        update["aws_endpoint_url"] = None
    return s.model_copy(update=update)


def _install(s: Settings) -> None:
    from vigil import settings as settings_mod
    from vigil.local.runtime import reset_adapters

    settings_mod.configure(s)
    reset_adapters()


def _deploy(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from vigil.ops import deploy
    from vigil.platform.resources import load

    definition = load(args.definition)
    if args.action == "render":
        out = Path(args.out)
        template = deploy.write_template(definition, out)
        print(json.dumps({"template": str(out), "resources": len(template["Resources"])}, indent=2))
        return 0
    if not args.target or not args.stage:
        parser.error("deploy needs --target aws|localstack and --stage NAME (or the 'render' action)")
    overrides = _key_values(args.param or [], parser)
    if args.target == "aws":
        params = deploy.stage_parameters(args.stage, overrides)
        s = _stage_settings(args, params["ResourcePrefix"])
        _install(s)
        outputs = deploy.deploy_aws(definition, stage=args.stage, settings=s, parameters=params,
                                    artifacts_bucket=args.artifacts_bucket,
                                    install_dependencies=not args.skip_dependencies)
        print(json.dumps({"target": "aws", "stack": deploy.stack_name(args.stage), "endpoints": outputs}, indent=2))
        return 0
    from vigil.ops import localstack

    s = _stage_settings(args, args.prefix or deploy.default_prefix(args.stage))
    _install(s)
    endpoints = localstack.deploy(definition, s)
    print(json.dumps({"target": "localstack", "stage": args.stage, "endpoints": endpoints}, indent=2))
    return 0


def _teardown(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from vigil.ops import deploy
    from vigil.platform.resources import load

    if args.target == "aws":
        _install(_stage_settings(args, deploy.default_prefix(args.stage)))
        status = deploy.delete_stack(deploy.stack_name(args.stage))
        print(json.dumps({"target": "aws", "stack": deploy.stack_name(args.stage), "status": status,
                          "retained": "buckets (DeletionPolicy Retain): empty and delete them by hand"}, indent=2))
        return 0
    from vigil.ops import localstack

    s = _stage_settings(args, args.prefix or deploy.default_prefix(args.stage))
    _install(s)
    removed = localstack.teardown(load(args.definition), s, delete_buckets=args.delete_buckets)
    print(json.dumps({"target": "localstack", "stage": args.stage, "removed": removed}, indent=2))
    return 0


def _backup(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from vigil.ops import backup as backups
    from vigil.platform.resources import load

    manifest = backups.backup(Path(args.out), definition=load(args.definition))
    print(json.dumps(manifest, indent=2))
    return 0


def _restore(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from vigil.ops import backup as backups

    print(json.dumps(backups.restore(Path(getattr(args, "from")), allow_non_empty=args.force), indent=2))
    return 0


def _dlq(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from vigil.ops import dlq
    from vigil.platform.resources import load

    definition = load(args.definition)
    if args.action == "list":
        print(json.dumps({"deadLetters": dlq.depths(definition)}, indent=2))
        return 0
    if not args.queue:
        parser.error("redrive needs --queue NAME (a logical queue name from the resource definition)")
    print(json.dumps(dlq.redrive(definition, args.queue, limit=args.limit), indent=2))
    return 0


def register(sub: Any, default_definition: str) -> None:
    def add(name: str, help_text: str, fn: Any) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(name, help=help_text)
        p.set_defaults(fn=lambda a, p=p: fn(a, p))
        p.add_argument("--definition", default=default_definition, help="the resource definition")
        return p

    d = add("deploy", "render the template, or deploy a stage to AWS or LocalStack", _deploy)
    d.add_argument("action", nargs="?", choices=("stage", "render"), default="stage",
                   help="'render' only writes the CloudFormation template")
    from vigil.platform.resources import REPO_ROOT

    d.add_argument("--out", default=str(REPO_ROOT / "infra" / "build" / "template.yaml"),
                   help="render: where to write the template")
    t = add("teardown", "remove a deployed stage", _teardown)
    for p in (d, t):
        p.add_argument("--target", choices=("aws", "localstack"), required=p is t)
        p.add_argument("--stage", required=p is t, help="stage name, e.g. dev, prod, onprem")
        p.add_argument("--prefix", help="localstack: physical name prefix (default vigil-<stage>-)")
        p.add_argument("--endpoint", help="localstack: AWS endpoint (default AWS_ENDPOINT_URL or :4566)")
        p.add_argument("--s3-endpoint", help="localstack: S3 endpoint (MinIO)")
    d.add_argument("--param", action="append", metavar="KEY=VALUE", help="aws: template parameter override")
    d.add_argument("--artifacts-bucket", help="aws: bucket for code and template (default <prefix>artifacts)")
    d.add_argument("--skip-dependencies", action="store_true",
                   help="aws: build the layer without installing dependencies (they come from elsewhere)")
    t.add_argument("--delete-buckets", action="store_true", help="localstack: also empty and delete the buckets")
    b = add("backup", "dump the database and every bucket into a directory", _backup)
    b.add_argument("--out", required=True, help="an empty or new directory")
    r = add("restore", "restore a backup into an empty database and empty buckets", _restore)
    r.add_argument("--from", required=True, help="a directory written by `vigil backup`")
    r.add_argument("--force", action="store_true", help="restore even if the database or buckets hold data")
    q = add("dlq", "show dead-letter queue depths, or move dead letters back to their queue", _dlq)
    q.add_argument("action", choices=("list", "redrive"))
    q.add_argument("--queue", help="redrive: the logical queue name (its DLQ is <name>-dlq)")
    q.add_argument("--limit", type=int, default=1000, help="redrive: at most this many messages")
