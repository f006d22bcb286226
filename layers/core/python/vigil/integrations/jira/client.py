"""The Jira REST client: Cloud (REST v3, ADF, accountId, basic auth with an API token) and Data
Center (REST v2, plain text, username, bearer personal access token).

Every attempt is handed to a recorder (the sync log) with secrets scrubbed; 429, 5xx and
timeouts are retried per the RetryPolicy; after the last attempt JiraUnavailable is raised so
the queue consumer retries the message later and finally parks it in the DLQ with the reason.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from vigil import http
from vigil.governance.audit import redact
from vigil.integrations.jira.config import JiraConfig
from vigil.integrations.jira.exceptions import JiraRejected, JiraUnavailable
from vigil.integrations.jira.retry import RetryPolicy
from vigil.ops import metrics

MAX_LOGGED_CHARS = 8000


@dataclass(frozen=True)
class CallRecord:
    operation: str
    method: str
    url: str
    request: Any
    attempt: int
    duration_ms: int
    outcome: str  # ok | retry | failed
    response_status: int | None = None
    response: Any = None
    error: str | None = None
    incident_id: str | None = None
    jira_key: str | None = None


Recorder = Callable[[CallRecord], None]


class JiraClient:
    def __init__(self, cfg: JiraConfig, *, policy: RetryPolicy | None = None, recorder: Recorder | None = None,
                 sleep: Callable[[float], None] = time.sleep, timeout: float | None = None,
                 incident_id: str | None = None) -> None:
        self.cfg = cfg
        self.policy = policy or RetryPolicy()
        self.recorder = recorder
        self.sleep = sleep
        self.timeout = timeout
        self.incident_id = incident_id

    def for_incident(self, incident_id: str | None) -> JiraClient:
        """The same client whose log entries name the incident."""
        clone = JiraClient(self.cfg, policy=self.policy, recorder=self.recorder, sleep=self.sleep,
                           timeout=self.timeout, incident_id=incident_id)
        return clone

    # -- endpoints ---------------------------------------------------------------------------

    def myself(self) -> dict[str, Any]:
        return self._call("myself", "GET", "myself")

    def server_info(self) -> dict[str, Any]:
        return self._call("server_info", "GET", "serverInfo")

    def project(self, key: str) -> dict[str, Any]:
        return self._call("get_project", "GET", f"project/{key}")

    def priorities(self) -> list[dict[str, Any]]:
        return self._call("list_priorities", "GET", "priority")

    def project_statuses(self, key: str) -> list[dict[str, Any]]:
        return self._call("list_statuses", "GET", f"project/{key}/statuses")

    def create_issue(self, fields: dict[str, Any]) -> dict[str, Any]:
        # Not repeated blindly: after a timeout or a 5xx the issue may exist; the caller
        # searches by label before trying again. A 429 was refused outright and is retried.
        return self._call("create_issue", "POST", "issue", body={"fields": fields}, repeatable=False)

    def search_by_label(self, label: str) -> list[dict[str, Any]]:
        jql = f'project = "{self.cfg.project_key}" AND labels = "{label}" ORDER BY created ASC'
        params = {"jql": jql, "fields": "status,assignee,labels", "maxResults": "5"}
        # Jira Cloud retired /search for /search/jql; Data Center still has /search.
        path = "search/jql" if self.cfg.cloud else "search"
        result = self._call("search_issues", "GET", path, params=params)
        return list(result.get("issues") or [])

    def get_issue(self, key: str) -> dict[str, Any]:
        return self._call("get_issue", "GET", f"issue/{key}", params={"fields": "status,assignee,labels"},
                          jira_key=key)

    def transitions(self, key: str) -> list[dict[str, Any]]:
        result = self._call("get_transitions", "GET", f"issue/{key}/transitions", jira_key=key)
        return list(result.get("transitions") or [])

    def transition(self, key: str, transition_id: str) -> None:
        self._call("transition_issue", "POST", f"issue/{key}/transitions",
                   body={"transition": {"id": transition_id}}, jira_key=key)

    def assign(self, key: str, account: str | None) -> None:
        body = {"accountId": account} if self.cfg.cloud else {"name": account}
        self._call("assign_issue", "PUT", f"issue/{key}/assignee", body=body, jira_key=key)

    def add_comment(self, key: str, body: Any) -> dict[str, Any]:
        return self._call("add_comment", "POST", f"issue/{key}/comment", body={"body": body}, jira_key=key)

    def account_id(self, user: dict[str, Any] | None) -> str | None:
        """The id this deployment type uses for a Jira user object."""
        if not user:
            return None
        value = user.get("accountId") if self.cfg.cloud else (user.get("name") or user.get("key"))
        return None if value is None else str(value)

    # -- transport ---------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        if self.cfg.cloud:
            pair = f"{self.cfg.email}:{self.cfg.api_token}".encode()
            auth = "Basic " + base64.b64encode(pair).decode()
        else:
            auth = f"Bearer {self.cfg.personal_access_token}"
        return {"Authorization": auth, "Accept": "application/json", "Content-Type": "application/json"}

    def _call(self, operation: str, method: str, path: str, *, body: Any = None,
              params: dict[str, str] | None = None, jira_key: str | None = None, repeatable: bool = True) -> Any:
        url = f"{self.cfg.base_url}/rest/api/{self.cfg.api_version}/{path}"
        base = CallRecord(operation=operation, method=method, url=url, request=self._scrub(
            {"params": params, "body": body} if params else body), attempt=0, duration_ms=0,
            outcome="ok", incident_id=self.incident_id, jira_key=jira_key)
        with http.client(timeout=self.timeout) as session:
            for attempt in range(1, self.policy.max_attempts + 1):
                started = time.perf_counter()
                status: int | None = None
                retry_after: str | None = None
                try:
                    response = session.request(method, url, json=body, params=params, headers=self._headers())
                    status, retry_after = response.status_code, response.headers.get("Retry-After")
                    payload = _payload(response.text)
                    error = None if status < 400 else f"HTTP {status}: {_jira_message(payload)}"
                except http.HttpError as exc:
                    payload, error = None, f"{type(exc).__name__}: {exc}"
                elapsed = int((time.perf_counter() - started) * 1000)
                if error is None:
                    self._record(replace(base, attempt=attempt, duration_ms=elapsed, response_status=status,
                                         response=self._scrub(payload)))
                    return payload if payload is not None else {}
                retry = self.policy.retryable(status) if repeatable else status == 429
                final = attempt >= self.policy.max_attempts or not retry
                self._record(replace(base, attempt=attempt, duration_ms=elapsed, response_status=status,
                                     response=self._scrub(payload), error=error,
                                     outcome="failed" if final else "retry"))
                if not self.policy.retryable(status):
                    raise JiraRejected(f"Jira refused {operation}: {error}")
                if final:
                    raise JiraUnavailable(f"Jira {operation} failed after {attempt} attempt(s): {error}")
                self.sleep(self.policy.delay(attempt, retry_after))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _record(self, record: CallRecord) -> None:
        if record.outcome == "failed":
            metrics.jira_failure(operation=record.operation)
        if self.recorder is not None:
            self.recorder(record)

    def _scrub(self, value: Any) -> Any:
        """Redact secret keys and any secret value wherever it appears; bound the size."""
        if value is None:
            return None
        text = json.dumps(redact(value), default=str)
        for secret in self.cfg.secrets:
            text = text.replace(secret, "***")
        if len(text) > MAX_LOGGED_CHARS:
            return {"truncated": text[:MAX_LOGGED_CHARS]}
        return json.loads(text)


def _payload(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return {"text": text[:2000]}


def _jira_message(payload: Any) -> str:
    """Jira's error body: {"errorMessages": [...], "errors": {field: message}}."""
    if isinstance(payload, dict):
        parts = [str(m) for m in payload.get("errorMessages") or []]
        parts += [f"{k}: {v}" for k, v in (payload.get("errors") or {}).items()]
        if parts:
            return "; ".join(parts)[:500]
        if "text" in payload:
            return str(payload["text"])[:200]
    return "no error detail"
