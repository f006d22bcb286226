"""A WSGI stand-in for API Gateway: routes each request to the Chalice app that declares the
path, in Lambda's proxy event format, and serves the built frontend for everything else."""

from __future__ import annotations

import base64
import json
import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from chalice.local import LambdaContext, RouteMatcher

from vigil.local.apps import LoadedApp
from vigil.logging import get_logger

log = get_logger(__name__)

StartResponse = Callable[..., Any]


class Gateway:
    def __init__(self, apps: list[LoadedApp], *, frontend_dist: Path | None = None,
                 extra_routes: dict[str, Callable[[], tuple[int, str, bytes]]] | None = None) -> None:
        self.apps = apps
        self.matchers = [(a, RouteMatcher(list(a.app.routes))) for a in apps]
        self.frontend_dist = frontend_dist
        self.extra_routes = extra_routes or {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/") or "/"
        if path in self.extra_routes:
            status, ctype, body = self.extra_routes[path]()
            return _send(start_response, status, {"Content-Type": ctype}, body)
        if path.startswith("/api/"):
            return self._api(environ, start_response, path)
        return self._static(start_response, path)

    def _match(self, path: str) -> tuple[LoadedApp, Any] | None:
        for loaded, matcher in self.matchers:
            try:
                return loaded, matcher.match_route(path)
            except ValueError:
                continue
        return None

    def _api(self, environ: dict[str, Any], start_response: StartResponse, path: str) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING", "")
        found = self._match(path + (f"?{query}" if query else ""))
        if found is None:
            body = {"error": {"code": "NOT_FOUND", "message": f"no route for {path}", "details": []}}
            return _send(start_response, 404, {"Content-Type": "application/json"}, json.dumps(body).encode())
        loaded, view_route = found
        method = environ["REQUEST_METHOD"]
        if method not in loaded.app.routes[view_route.route]:
            body = {"error": {"code": "METHOD_NOT_ALLOWED",
                              "message": f"{method} is not allowed on {path}", "details": []}}
            return _send(start_response, 405, {"Content-Type": "application/json"}, json.dumps(body).encode())
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else None
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        if environ.get("CONTENT_LENGTH"):
            headers["content-length"] = environ["CONTENT_LENGTH"]
        forwarded = headers.get("x-forwarded-for", "").split(",")[0].strip()
        event: dict[str, Any] = {
            "requestContext": {
                "httpMethod": method,
                "resourcePath": view_route.route,
                "identity": {"sourceIp": forwarded or environ.get("REMOTE_ADDR", "127.0.0.1")},
                "path": path,
            },
            "headers": headers,
            "pathParameters": view_route.captured,
            "multiValueQueryStringParameters": parse_qs(query, keep_blank_values=True) or None,
            "stageVariables": {},
            "body": raw,
        }
        if raw is not None and headers.get("content-type", "").split(";")[0] in loaded.app.api.binary_types:
            event["body"] = base64.b64encode(raw).decode("ascii")
            event["isBase64Encoded"] = True
        elif raw is not None:
            event["body"] = raw.decode("utf-8", errors="replace")
        context = LambdaContext(function_name=loaded.app.app_name, memory_size=1024, max_runtime_ms=900_000)
        response = loaded.app(event, context)
        out_headers: dict[str, Any] = dict(response.get("headers") or {})
        out_headers.update(response.get("multiValueHeaders") or {})
        payload: Any = response.get("body") or b""
        if response.get("isBase64Encoded"):
            payload = base64.b64decode(payload)
        elif isinstance(payload, str):
            payload = payload.encode()
        return _send(start_response, int(response["statusCode"]), out_headers, payload)

    def _static(self, start_response: StartResponse, path: str) -> Iterable[bytes]:
        dist = self.frontend_dist
        if dist is None or not (dist / "index.html").exists():
            html = (b"<!doctype html><title>Vigil</title><h1>Vigil is running</h1>"
                    b"<p>The web app is not built yet (npm run build in frontend/). "
                    b"The API reference is at <a href='/api/v1/docs'>/api/v1/docs</a>.</p>")
            return _send(start_response, 200, {"Content-Type": "text/html; charset=utf-8"}, html)
        target = (dist / path.lstrip("/")).resolve()
        if not str(target).startswith(str(dist.resolve())) or not target.is_file():
            target = dist / "index.html"  # single-page app: the client router owns the path
        ctype = mimetypes.guess_type(str(target))[0] or "application/octet-stream"
        headers = {"Content-Type": ctype}
        if "/assets/" in str(target):
            headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return _send(start_response, 200, headers, target.read_bytes())


_REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request",
            401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type",
            429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


def _send(start_response: StartResponse, status: int, headers: dict[str, Any], body: bytes) -> list[bytes]:
    pairs: list[tuple[str, str]] = []
    for k, v in headers.items():
        if k.lower() == "content-length":
            continue
        for item in v if isinstance(v, list) else [v]:
            pairs.append((k, str(item)))
    pairs.append(("Content-Length", str(len(body))))
    start_response(f"{status} {_REASONS.get(status, 'Status')}", pairs)
    return [body]
