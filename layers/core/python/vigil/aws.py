"""AWS adapter: the only module that imports boto3.

`AWS_ENDPOINT_URL` points every client at moto or LocalStack; `USE_LOCALSTACK` uses
localstack-client's defaults instead; otherwise real AWS. S3 may have its own endpoint
(MinIO on-prem) with path-style addressing.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from vigil.settings import get_settings

AwsError = (BotoCoreError, ClientError)
ClientErrorType = ClientError

_lock = threading.Lock()
_clients: dict[tuple[str, str | None, str], Any] = {}


def client(service: str) -> Any:
    """A cached boto3 client (clients are thread-safe; creating one is not cheap)."""
    s = get_settings()
    endpoint = s.s3_endpoint_url if service == "s3" and s.s3_endpoint_url else s.aws_endpoint_url
    key = (service, endpoint, s.aws_region)
    with _lock:
        if key not in _clients:
            _clients[key] = _make_client(service, endpoint)
        return _clients[key]


def _make_client(service: str, endpoint: str | None) -> Any:
    s = get_settings()
    config = Config(
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
        s3={"addressing_style": "path" if s.s3_path_style else "auto"},
        signature_version="s3v4" if service == "s3" else None,
    )
    if s.use_localstack and not endpoint:
        import localstack_client.session

        return localstack_client.session.Session(region_name=s.aws_region).client(service)
    return boto3.session.Session().client(
        service, region_name=s.aws_region, endpoint_url=endpoint, config=config
    )


def error_code(exc: Exception) -> str | None:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code"))
    return None


def reset() -> None:
    with _lock:
        _clients.clear()
