"""A Jira double: a real HTTP server in a thread implementing the REST endpoints Vigil calls, in
the Cloud flavour (REST v3, ADF bodies, accountId, basic auth with an API token) or the Data
Center flavour (REST v2, plain-text bodies, username, bearer personal access token).

It records every request, can be told to fail the next calls with 429 (Retry-After), 500 or a
timeout, and can play a Jira user (transition, assign, comment) returning the webhook body
Jira would send.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

WORKFLOW: dict[str, list[tuple[str, str, str]]] = {  # status → [(transition id, name, to status)]
    "To Do": [("11", "Start Progress", "In Progress"), ("31", "Resolve", "Done")],
    "In Progress": [("21", "Stop Progress", "To Do"), ("31", "Resolve", "Done")],
    "Done": [("41", "Reopen", "In Progress"), ("51", "Close", "Closed")],
    "Closed": [],
}
PRIORITIES = ["Highest", "High", "Medium", "Low", "Lowest"]


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]
    at: float = field(default_factory=time.time)  # epoch seconds, for latency benchmarks


@dataclass
class Failure:
    kind: str  # "429" | "500" | "timeout"
    retry_after: str | None = None
    delay: float = 0.0
    path: str | None = None  # only requests whose path contains this


@dataclass
class JiraDouble:
    flavour: str = "CLOUD"
    project: str = "OPS"
    email: str = "bot@example.com"
    api_token: str = "cloud-api-token-0123456789"
    pat: str = "dc-personal-access-token-0123456789"
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._seq = 0
        self._comment_seq = 100
        self._server: ThreadingHTTPServer | None = None

    # -- identity of the flavour ------------------------------------------------------------

    @property
    def cloud(self) -> bool:
        return self.flavour == "CLOUD"

    @property
    def version(self) -> str:
        return "3" if self.cloud else "2"

    @property
    def bot(self) -> dict[str, Any]:
        return self.user("bot")

    def user(self, name: str) -> dict[str, Any]:
        """A Jira user object: accountId on Cloud, name (username) on Data Center."""
        if self.cloud:
            return {"accountId": f"acc-{name}", "displayName": name.title()}
        return {"name": f"{name}.dc", "key": f"{name}.dc", "displayName": name.title()}

    def user_id(self, name: str) -> str:
        u = self.user(name)
        return u["accountId"] if self.cloud else u["name"]

    # -- server -----------------------------------------------------------------------------

    def start(self) -> JiraDouble:
        double = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                double._serve(self, "GET")

            def do_POST(self) -> None:
                double._serve(self, "POST")

            def do_PUT(self) -> None:
                double._serve(self, "PUT")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="jira-double", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def fail(self, kind: str, *, times: int = 1, retry_after: str | None = None, delay: float = 0.0,
             path: str | None = None) -> None:
        self.failures.extend(Failure(kind, retry_after, delay, path) for _ in range(times))

    def calls(self, method: str, path_pattern: str) -> list[Recorded]:
        rx = re.compile(path_pattern)
        return [r for r in self.requests if r.method == method and rx.search(r.path)]

    @property
    def creates(self) -> list[Recorded]:
        return self.calls("POST", r"/issue$")

    def reset(self) -> None:
        with self._lock:
            self.issues.clear()
            self.requests.clear()
            self.failures.clear()

    # -- playing a Jira user (returns the webhook body Jira would send) ----------------------

    def user_transitions(self, key: str, to_status: str, *, by: str = "alice") -> dict[str, Any]:
        issue = self.issues[key]
        before = issue["fields"]["status"]["name"]
        issue["fields"]["status"] = {"name": to_status}
        return self._webhook("jira:issue_updated", key, by,
                             [{"field": "status", "fromString": before, "toString": to_status}])

    def user_assigns(self, key: str, assignee: str | None, *, by: str = "alice") -> dict[str, Any]:
        issue = self.issues[key]
        issue["fields"]["assignee"] = self.user(assignee) if assignee else None
        return self._webhook("jira:issue_updated", key, by, [{"field": "assignee", "to": assignee}])

    def user_comments(self, key: str, text: str, *, by: str = "alice") -> dict[str, Any]:
        comment = self._add_comment(key, self._body_for(text), author=self.user(by))
        body = self._webhook("comment_created", key, by, None)
        # Jira's webhooks carry the comment body as text even on Cloud.
        body["comment"] = {**comment, "body": text}
        return body

    def _webhook(self, event: str, key: str, by: str, items: list[dict[str, Any]] | None) -> dict[str, Any]:
        issue = self.issues[key]
        body: dict[str, Any] = {"timestamp": int(time.time() * 1000), "webhookEvent": event,
                                "user": self.user(by) if by != "bot" else self.bot,
                                "issue": {"id": issue["id"], "key": key, "fields": issue["fields"]}}
        if items is not None:
            body["changelog"] = {"id": "1", "items": items}
        return body

    def _body_for(self, text: str) -> Any:
        if not self.cloud:
            return text
        return {"type": "doc", "version": 1,
                "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}

    # -- request handling ---------------------------------------------------------------------

    def _serve(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parsed = urlparse(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        with self._lock:
            self.requests.append(Recorded(method, parsed.path, parse_qs(parsed.query), body, dict(h.headers)))
            failure = next((f for f in self.failures if f.path is None or f.path in parsed.path), None)
            if failure is not None:
                self.failures.remove(failure)
        if failure is not None:
            if failure.kind == "timeout":
                time.sleep(failure.delay or 2.0)
                return self._send(h, 504, {"errorMessages": ["too late"]})
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
            status = int(failure.kind)
            return self._send(h, status, {"errorMessages": [f"planned {status}"]}, headers)
        if not self._authorized(h.headers.get("Authorization", "")):
            return self._send(h, 401, {"errorMessages": ["You are not authenticated."]})
        prefix = f"/rest/api/{self.version}/"
        if not parsed.path.startswith(prefix):
            return self._send(h, 404, {"errorMessages": [f"no such API version here: {parsed.path}"]})
        with self._lock:
            status, payload = self._route(method, parsed.path[len(prefix):], parse_qs(parsed.query), body)
        self._send(h, status, payload)

    def _authorized(self, header: str) -> bool:
        if self.cloud:
            expected = base64.b64encode(f"{self.email}:{self.api_token}".encode()).decode()
            return header == f"Basic {expected}"
        return header == f"Bearer {self.pat}"

    def _send(self, h: BaseHTTPRequestHandler, status: int, payload: Any,
              headers: dict[str, str] | None = None) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        try:
            h.send_response(status)
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        parts = path.split("/")
        if method == "GET" and path == "myself":
            return 200, self.bot
        if method == "GET" and path == "serverInfo":
            return 200, {"serverTitle": "Jira double", "version": "1001.0.0" if self.cloud else "9.12.0",
                         "deploymentType": "Cloud" if self.cloud else "Server"}
        if method == "GET" and path == "priority":
            return 200, [{"id": str(i), "name": n} for i, n in enumerate(PRIORITIES, 1)]
        if method == "GET" and parts[0] == "project" and len(parts) == 2:
            if parts[1] != self.project:
                return 404, {"errorMessages": [f"No project could be found with key '{parts[1]}'."]}
            return 200, {"key": self.project, "name": "Operations", "issueTypes": [{"name": "Task"}, {"name": "Bug"}]}
        if method == "GET" and parts[0] == "project" and parts[2:] == ["statuses"]:
            return 200, [{"name": "Task", "statuses": [{"name": s} for s in WORKFLOW]}]
        if method == "POST" and path == "issue":
            return self._create(body)
        if method == "GET" and path == ("search/jql" if self.cloud else "search"):
            return self._search(query)
        if parts[0] == "issue" and len(parts) >= 2:
            issue = self.issues.get(parts[1])
            if issue is None:
                return 404, {"errorMessages": ["Issue does not exist or you do not have permission to see it."]}
            return self._issue(method, issue, parts[2:], body)
        return 404, {"errorMessages": [f"no route {method} {path}"]}

    def _create(self, body: Any) -> tuple[int, Any]:
        fields = (body or {}).get("fields") or {}
        errors: dict[str, str] = {}
        if (fields.get("project") or {}).get("key") != self.project:
            errors["project"] = "valid project is required"
        if not fields.get("summary"):
            errors["summary"] = "You must specify a summary of the issue."
        description = fields.get("description")
        if description is not None and isinstance(description, dict) != self.cloud:
            errors["description"] = ("Operation value must be an Atlassian Document" if self.cloud
                                     else "Operation value must be a string")
        assignee = fields.get("assignee")
        if assignee is not None and ("accountId" in assignee) != self.cloud:
            errors["assignee"] = "use accountId on Cloud, name on Data Center"
        if errors:
            return 400, {"errorMessages": [], "errors": errors}
        self._seq += 1
        key = f"{self.project}-{self._seq}"
        issue = {"id": str(10000 + self._seq), "key": key, "comments": [],
                 "fields": {**fields, "status": {"name": "To Do"}, "assignee": assignee}}
        self.issues[key] = issue
        return 201, {"id": issue["id"], "key": key, "self": f"{self.url}/rest/api/{self.version}/issue/{issue['id']}"}

    def _search(self, query: dict[str, list[str]]) -> tuple[int, Any]:
        jql = (query.get("jql") or [""])[0]
        match = re.search(r'labels\s*=\s*"([^"]+)"', jql)
        label = match.group(1) if match else None
        found = [{"id": i["id"], "key": k,
                  "fields": {"status": i["fields"]["status"], "labels": i["fields"].get("labels")}}
                 for k, i in self.issues.items() if label in (i["fields"].get("labels") or [])]
        return 200, ({"issues": found} if self.cloud else {"issues": found, "total": len(found)})

    def _issue(self, method: str, issue: dict[str, Any], rest: list[str], body: Any) -> tuple[int, Any]:
        status = issue["fields"]["status"]["name"]
        if method == "GET" and not rest:
            return 200, {"id": issue["id"], "key": issue["key"], "fields": issue["fields"]}
        if rest == ["transitions"] and method == "GET":
            return 200, {"transitions": [{"id": i, "name": n, "to": {"name": to}} for i, n, to in WORKFLOW[status]]}
        if rest == ["transitions"] and method == "POST":
            wanted = str(((body or {}).get("transition") or {}).get("id"))
            for tid, _, to in WORKFLOW[status]:
                if tid == wanted:
                    issue["fields"]["status"] = {"name": to}
                    return 204, None
            return 400, {"errorMessages": [f"Transition id '{wanted}' is not valid for this issue."]}
        if rest == ["assignee"] and method == "PUT":
            field_name = "accountId" if self.cloud else "name"
            if field_name not in (body or {}):
                return 400, {"errorMessages": [f"{field_name} is required"]}
            who = body[field_name]
            issue["fields"]["assignee"] = None if who is None else (
                {"accountId": who} if self.cloud else {"name": who})
            return 204, None
        if rest == ["comment"] and method == "POST":
            text = (body or {}).get("body")
            if isinstance(text, dict) != self.cloud:
                return 400, {"errorMessages": ["comment body has the wrong format for this API version"]}
            return 201, self._add_comment(issue["key"], text, author=self.bot)
        return 404, {"errorMessages": ["no such issue route"]}

    def _add_comment(self, key: str, body: Any, *, author: dict[str, Any]) -> dict[str, Any]:
        self._comment_seq += 1
        comment = {"id": str(self._comment_seq), "body": body, "author": author}
        self.issues[key]["comments"].append(comment)
        return comment
