"""The database migrator on AWS, a Lambda function inside the VPC (where RDS is reachable).

- As a CloudFormation custom resource (`DatabaseMigrations` in the template) it applies pending
  migrations on every deploy that changes them, before the stack completes; a failure fails the
  deployment with the reason. Deleting the stack never touches the database.
- Invoked directly: `{"action": "migrate"}` applies pending migrations; `{"action":
  "ensure-admin", "password": "..."}` creates the first ADMIN (user `admin`) when there are no
  users yet.
Only the layer's database, migrations, identity and HTTP modules are used: nothing here may
assume the repository layout (in Lambda the layer is /opt/python).
"""

from __future__ import annotations

import json
from typing import Any

from vigil import http
from vigil.db import get_database
from vigil.logging import get_logger
from vigil.migrations import migrate

log = get_logger(__name__)

PHYSICAL_ID = "vigil-database-migrations"


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    if "RequestType" in event:
        return _custom_resource(event)
    action = event.get("action")
    if action == "migrate":
        return {"applied": _migrate()}
    if action == "ensure-admin":
        password = str(event.get("password") or "")
        if len(password) < 12:
            raise ValueError("password: give at least 12 characters for the first admin")
        from vigil.identity import service

        service.ensure_demo_admin(get_database(), password=password)
        return {"ensured": "admin"}
    raise ValueError(f"action: expected 'migrate' or 'ensure-admin', got {action!r}")


def _migrate() -> list[str]:
    return [f"{m.version:04d}_{m.name}" for m in migrate(get_database())]


def _custom_resource(event: dict[str, Any]) -> dict[str, Any]:
    status, reason, data = "SUCCESS", "", {}
    try:
        if event["RequestType"] in ("Create", "Update"):
            data = {"Applied": ",".join(_migrate()) or "-"}
    except Exception as exc:  # noqa: BLE001 - CloudFormation must hear of every failure or it waits an hour
        status, reason = "FAILED", f"{type(exc).__name__}: {exc}"[:900]
        log.exception("database migration failed")
    response = {
        "Status": status, "Reason": reason or "see the function's log",
        "PhysicalResourceId": PHYSICAL_ID, "StackId": event.get("StackId"),
        "RequestId": event.get("RequestId"), "LogicalResourceId": event.get("LogicalResourceId"),
        "Data": data,
    }
    # The response URL is a presigned S3 PUT: it must be sent without a content type.
    with http.client(timeout=30) as c:
        c.put(event["ResponseURL"], content=json.dumps(response).encode(), headers={"Content-Type": ""})
    log.info("custom resource answered", extra={"status": status, "requestType": event["RequestType"]})
    return response
