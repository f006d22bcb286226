"""Back up and restore the platform's state: the PostgreSQL database and every bucket.

A backup directory holds `database.dump` (pg_dump custom format), `buckets/<logical>/<key>` and
`manifest.json` (versions, sizes, sha256 of every file). Restore goes into the database and
buckets of the *current* settings, which may have another name and prefix, and refuses targets
that already hold data unless forced: restoring over live data would mix two states.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from vigil import aws, db
from vigil.logging import get_logger
from vigil.ops import pgtools
from vigil.ops.buckets import ensure_bucket, has_objects
from vigil.platform.resources import ResourceDefinition
from vigil.settings import get_settings

log = get_logger(__name__)

MANIFEST = "manifest.json"
DUMP = "database.dump"
FORMAT_VERSION = 1


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and an environment carrying it (not visible in `ps`)."""
    env = dict(os.environ)
    parts = urlsplit(url)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
        host = parts.hostname or ""
        netloc = f"{parts.username or ''}@{host}" + (f":{parts.port}" if parts.port else "")
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url, env


def _server_major(database: db.Database) -> int:
    return int(database.scalar("SHOW server_version_num")) // 10000


def _run(cmd: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"{Path(cmd[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def backup(out: Path, *, definition: ResourceDefinition) -> dict[str, Any]:
    s = get_settings()
    if out.exists() and any(out.iterdir()):
        raise ValueError(f"{out} is not empty: back up into a new directory")
    out.mkdir(parents=True, exist_ok=True)
    database = db.get_database()
    server_major = _server_major(database)
    tool = pgtools.pick("pg_dump", at_least=server_major)
    url, env = _libpq(str(s.database_url))
    _run([tool.path, "--format=custom", "--no-owner", "--no-privileges", f"--file={out / DUMP}",
          f"--dbname={url}"], env)
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "createdAt": datetime.now(UTC).isoformat(),
        "stage": s.stage,
        "resourcePrefix": s.resource_prefix,
        "database": {"file": DUMP, "serverMajor": server_major, "pgDumpMajor": tool.major,
                     "sha256": _sha256(out / DUMP), "bytes": (out / DUMP).stat().st_size},
        "buckets": {},
    }
    s3 = aws.client("s3")
    for logical in definition.buckets:
        physical = s.resource_name(logical)
        objects: list[dict[str, Any]] = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=physical):
            for item in page.get("Contents", []):
                key = item["Key"]
                target = out / "buckets" / logical / key
                if not target.resolve().is_relative_to((out / "buckets" / logical).resolve()):
                    raise ValueError(f"object key {key!r} in {physical} escapes the backup directory")
                target.parent.mkdir(parents=True, exist_ok=True)
                head = s3.head_object(Bucket=physical, Key=key)
                s3.download_file(physical, key, str(target))
                objects.append({"key": key, "bytes": target.stat().st_size, "sha256": _sha256(target),
                                "contentType": head.get("ContentType", "application/octet-stream"),
                                "metadata": head.get("Metadata", {})})
        manifest["buckets"][logical] = {"physical": physical, "objects": objects}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2))
    log.info("backup written", extra={"dir": str(out), "buckets": len(manifest["buckets"])})
    return manifest


def _verify(src: Path, manifest: dict[str, Any]) -> None:
    if manifest.get("format") != FORMAT_VERSION:
        raise ValueError(f"{src / MANIFEST}: unsupported backup format {manifest.get('format')!r}")
    if _sha256(src / manifest["database"]["file"]) != manifest["database"]["sha256"]:
        raise ValueError(f"{src / DUMP} does not match its checksum: the backup is damaged")
    for logical, bucket in manifest["buckets"].items():
        for obj in bucket["objects"]:
            if _sha256(src / "buckets" / logical / obj["key"]) != obj["sha256"]:
                raise ValueError(f"buckets/{logical}/{obj['key']} does not match its checksum")


def restore(src: Path, *, allow_non_empty: bool = False) -> dict[str, Any]:
    s = get_settings()
    manifest = json.loads((src / MANIFEST).read_text())
    _verify(src, manifest)  # before touching anything: nothing half-restored from a bad backup
    database = db.get_database()
    tables = int(database.scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
    ))
    s3 = aws.client("s3")
    targets = {logical: s.resource_name(logical) for logical in manifest["buckets"]}
    non_empty = [name for name in targets.values() if has_objects(name)]
    if not allow_non_empty and (tables or non_empty):
        raise ValueError(
            f"the target is not empty ({tables} tables; buckets with objects: {non_empty or 'none'}); "
            "restore into a new database and empty buckets, or pass --force"
        )
    dump_major = int(manifest["database"]["pgDumpMajor"])
    tool = pgtools.pick("pg_restore", at_least=max(dump_major, _server_major(database)))
    url, env = _libpq(str(s.database_url))
    # One transaction: a failing restore leaves the database as empty as it was.
    _run([tool.path, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          f"--dbname={url}", str(src / manifest["database"]["file"])], env)
    restored: dict[str, int] = {}
    for logical, bucket in manifest["buckets"].items():
        physical = targets[logical]
        ensure_bucket(physical, s.aws_region)
        for obj in bucket["objects"]:
            s3.upload_file(str(src / "buckets" / logical / obj["key"]), physical, obj["key"],
                           ExtraArgs={"ContentType": obj["contentType"], "Metadata": obj.get("metadata", {})})
        restored[logical] = len(bucket["objects"])
    log.info("backup restored", extra={"dir": str(src), "objects": sum(restored.values())})
    return {"database": {"from": manifest["database"]["file"], "pgRestore": tool.path},
            "buckets": {logical: {"bucket": targets[logical], "objects": n} for logical, n in restored.items()}}

