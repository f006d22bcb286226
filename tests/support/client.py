"""An HTTP client over the local runtime's gateway (every app, one origin), in-process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from werkzeug.test import Client

from vigil.local.gateway import Gateway


@dataclass
class Result:
    status: int
    body: Any
    headers: dict[str, str]
    raw: bytes

    def __repr__(self) -> str:
        return f"<{self.status} {self.raw[:300]!r}>"


class ApiClient:
    def __init__(self, gateway: Gateway, *, token: str | None = None, client_ip: str = "127.0.0.1") -> None:
        self._client = Client(gateway)
        self.token = token
        self.client_ip = client_ip

    def as_user(self, token: str | None) -> ApiClient:
        return ApiClient(self._client.application, token=token, client_ip=self.client_ip)  # type: ignore[arg-type]

    def request(self, method: str, path: str, *, json_body: Any = None, data: bytes | str | None = None,
                headers: dict[str, str] | None = None, query: dict[str, Any] | None = None) -> Result:
        hdrs = dict(headers or {})
        if self.token and "Authorization" not in hdrs:
            hdrs["Authorization"] = f"Bearer {self.token}"
        body = data
        if json_body is not None:
            body = json.dumps(json_body)
            hdrs.setdefault("Content-Type", "application/json")
        resp = self._client.open(path, method=method, data=body, headers=hdrs, query_string=query,
                                 environ_base={"REMOTE_ADDR": self.client_ip})
        raw = resp.get_data()
        parsed: Any = None
        if resp.headers.get("Content-Type", "").startswith("application/json") and raw:
            parsed = json.loads(raw)
        return Result(resp.status_code, parsed, dict(resp.headers), raw)

    def get(self, path: str, **kw: Any) -> Result:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Result:
        return self.request("POST", path, json_body=body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Result:
        return self.request("PUT", path, json_body=body, **kw)

    def delete(self, path: str, **kw: Any) -> Result:
        return self.request("DELETE", path, **kw)
