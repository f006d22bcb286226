"""Route declaration for every Chalice app: one decorator names the path, the minimum role,
the request and response models; the wrapper does authentication, role checks, rate limits,
parsing, error mapping, CORS and the audit safety net, so `app.py` files stay glue.
"""

from __future__ import annotations

import json
import re
import time
import typing
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalice import Chalice, Response
from pydantic import BaseModel, ValidationError

from vigil import errors
from vigil.api.errors import to_status_and_body, validation_details
from vigil.identity import revocation, tokens
from vigil.identity.models import Principal, Public, Role
from vigil.logging import bound, get_logger
from vigil.ops import metrics
from vigil.redis import get_store
from vigil.settings import get_settings

log = get_logger("vigil.access")

MAX_JSON_BODY = 1024 * 1024
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
MinRole = Role | Public


@dataclass(frozen=True)
class RouteSpec:
    app_name: str
    path: str
    method: str
    role: MinRole
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: Any
    status: int
    summary: str
    content_types: tuple[str, ...]
    rate_limited: bool = True


REGISTRY: list[RouteSpec] = []


@dataclass
class Raw:
    """A non-JSON response (CSV, PDF, HTML, redirects)."""

    body: bytes | str
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ApiRequest:
    method: str
    path: str
    headers: dict[str, str]
    raw_body: bytes
    request_id: str
    client_ip: str
    principal: Principal | None
    body: Any = None
    query: Any = None
    audited: bool = False

    @property
    def user(self) -> Principal:
        if self.principal is None:
            raise errors.Unauthenticated("authentication required")
        return self.principal

    def audit(
        self,
        *,
        action: str,
        entity_type: str,
        entity_id: str | None,
        before: Any = None,
        after: Any = None,
        session: Any = None,
        actor: str | None = None,
        actor_role: str | None = None,
    ) -> None:
        """Write the audit row of this mutation (inside `session` when given). `actor` names who
        acted when the request carried no token (sign-in)."""
        from vigil.governance import audit

        audit.record(
            session=session,
            actor=actor or (self.principal.username if self.principal else None),
            actor_role=actor_role or (self.principal.role.value if self.principal else None),
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            before=before,
            after=after,
            request_id=self.request_id,
            client_ip=self.client_ip,
        )
        self.audited = True


class Api:
    """Wraps one Chalice app; `api.get(...)`, `api.post(...)` declare routes."""

    def __init__(self, app: Chalice) -> None:
        self.app = app
        self._preflight_paths: set[str] = set()

    def route(
        self,
        path: str,
        *,
        method: str,
        role: MinRole,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: Any = None,
        status: int = 200,
        summary: str = "",
        content_types: tuple[str, ...] = ("application/json",),
        rate_limited: bool = True,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Declare a route. `rate_limited=False` is for machine callers that prove who they are
        per request (signed webhooks and callbacks), which a per-address limit would starve."""
        if not isinstance(role, Role | Public):
            raise TypeError(f"{method} {path}: role must be a Role or PUBLIC")
        spec = RouteSpec(
            self.app.app_name, path, method, role, body, query, response, status, summary,
            content_types, rate_limited,
        )

        def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
            def view(**path_params: str) -> Response:
                return self._dispatch(spec, fn, path_params)

            view.__name__ = fn.__name__
            self.app.route(path, methods=[method], content_types=list(content_types))(view)
            REGISTRY.append(spec)
            self._ensure_preflight(path)
            return fn

        return decorator

    def get(self, path: str, **kw: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route(path, method="GET", **kw)

    def post(self, path: str, **kw: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route(path, method="POST", **kw)

    def put(self, path: str, **kw: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route(path, method="PUT", **kw)

    def delete(self, path: str, **kw: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return self.route(path, method="DELETE", **kw)

    # -- internals -------------------------------------------------------------------------

    def _ensure_preflight(self, path: str) -> None:
        """CORS preflight for a path, answered for the configured origins only."""
        if path in self._preflight_paths:
            return
        self._preflight_paths.add(path)

        def preflight(**_: str) -> Response:
            request = self.app.current_request
            headers: dict[str, Any] = _cors_headers(_header(request.headers if request else {}, "origin"))
            if headers:
                headers.update(
                    {
                        "Access-Control-Allow-Methods": "GET,POST,PUT,PATCH,DELETE,OPTIONS",
                        "Access-Control-Allow-Headers": "Authorization,Content-Type,X-Request-Id,"
                        "X-Correlation-Id",
                        "Access-Control-Max-Age": "600",
                    }
                )
            return Response(body="", status_code=204 if headers else 403, headers=headers)

        preflight.__name__ = "preflight_" + uuid.uuid4().hex[:8]
        self.app.route(path, methods=["OPTIONS"])(preflight)

    def _dispatch(self, spec: RouteSpec, fn: Callable[..., Any], path_params: dict[str, str]) -> Response:
        request: Any = self.app.current_request
        headers = {k.lower(): v for k, v in (request.headers or {}).items()}
        request_id = headers.get("x-request-id") or uuid.uuid4().hex
        correlation = headers.get("x-correlation-id") or request_id
        started = time.perf_counter()
        identity = (request.context or {}).get("identity") or {}
        req = ApiRequest(
            method=spec.method,
            path=spec.path,
            headers=headers,
            raw_body=bytes(request.raw_body or b""),
            request_id=request_id,
            client_ip=str(identity.get("sourceIp") or "unknown"),
            principal=None,
        )
        with bound(request=request_id, correlation=correlation):
            try:
                result = self._handle(spec, fn, req, request, path_params)
                status, response = _render(result, spec.status)
            except Exception as exc:  # noqa: BLE001 - the one place exceptions become HTTP
                status, body, extra = to_status_and_body(exc)
                response = Response(body=json.dumps(body), status_code=status,
                                    headers={"Content-Type": "application/json", **extra})
            response.headers.update(_cors_headers(headers.get("origin")))
            response.headers["X-Request-Id"] = request_id
            elapsed = time.perf_counter() - started
            labels = {"app": spec.app_name, "route": spec.path, "method": spec.method}
            metrics.count("vigil_http_requests_total", status=str(status), **labels)
            metrics.observe("vigil_http_request_duration_seconds", elapsed, **labels)
            log.info(
                "request",
                extra={
                    "method": spec.method,
                    "path": request.path if hasattr(request, "path") else spec.path,
                    "route": spec.path,
                    "status": status,
                    "durationMs": round(elapsed * 1000, 1),
                    "user": req.principal.username if req.principal else None,
                },
            )
            return response

    def _handle(
        self, spec: RouteSpec, fn: Callable[..., Any], req: ApiRequest, request: Any,
        path_params: dict[str, str],
    ) -> Any:
        from vigil.governance import ratelimit

        req.principal = _authenticate(req.headers, required=not isinstance(spec.role, Public))
        if isinstance(spec.role, Role) and not req.user.role.includes(spec.role):
            raise errors.Forbidden(f"this action needs the {spec.role.value} role")
        if spec.rate_limited:
            ratelimit.check(principal=req.principal, client_ip=req.client_ip)
        _check_ids(path_params)
        if spec.body is not None:
            req.body = _parse_body(spec.body, req.raw_body)
        if spec.query is not None:
            req.query = _parse_query(spec.query, request.query_params)
        result = fn(req, **path_params)
        if spec.method in MUTATING and not req.audited:
            # Safety net: every mutation leaves one audit row even if the handler forgot.
            req.audit(action=f"{spec.method} {spec.path}", entity_type=spec.app_name,
                      entity_id=next(iter(path_params.values()), None))
        return result


_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _check_ids(path_params: dict[str, str]) -> None:
    """Every `{..._id}` path parameter is a UUID; anything else names nothing that exists."""
    for name, value in path_params.items():
        if name.endswith("_id") and not _UUID.match(value):
            raise errors.NotFound(f"no {name[:-3].replace('_', ' ')} with id {value!r}")


def _header(headers: Any, name: str) -> str | None:
    for k, v in (headers or {}).items():
        if k.lower() == name:
            return str(v)
    return None


def _authenticate(headers: dict[str, str], *, required: bool) -> Principal | None:
    auth = headers.get("authorization", "")
    if not auth:
        if required:
            raise errors.Unauthenticated("authentication required: send 'Authorization: Bearer <token>'")
        return None
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.Unauthenticated("the Authorization header must be 'Bearer <token>'")
    principal = tokens.verify_access_token(token.strip())
    if revocation.is_revoked(get_store(), principal):
        raise errors.Unauthenticated("this session was ended by an administrator; sign in again")
    return principal


def _parse_body(model: type[BaseModel], raw: bytes) -> BaseModel:
    if len(raw) > MAX_JSON_BODY:
        raise errors.PayloadTooLarge(f"the request body is larger than {MAX_JSON_BODY} bytes")
    if not raw.strip():
        raise errors.ValidationFailed("a JSON request body is required")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.ValidationFailed(f"the request body is not valid JSON: {exc}") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise errors.ValidationFailed(
            "the request body is not valid", details=validation_details(exc, prefix="body")
        ) from exc


def _parse_query(model: type[BaseModel], params: Any) -> BaseModel:
    data: dict[str, Any] = {}
    if params:
        hints = typing.get_type_hints(model)
        for name, info in model.model_fields.items():
            key = info.alias or name
            if key not in params and name not in params:
                continue
            src = key if key in params else name
            if typing.get_origin(hints.get(name)) is list or _is_optional_list(hints.get(name)):
                data[key] = params.getlist(src)
            else:
                data[key] = params.get(src)
        unknown = set(params.keys()) - {f.alias or n for n, f in model.model_fields.items()} - set(
            model.model_fields
        )
        if model.model_config.get("extra") == "allow":  # open models take the rest as they come
            data.update({k: params.get(k) for k in unknown})
            unknown = set()
        if unknown:
            raise errors.ValidationFailed(
                "unknown query parameter(s)",
                details=[{"field": f"query.{u}", "message": "not a parameter of this endpoint"}
                         for u in sorted(unknown)],
            )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise errors.ValidationFailed(
            "the query parameters are not valid", details=validation_details(exc, prefix="query")
        ) from exc


def _is_optional_list(hint: Any) -> bool:
    return any(typing.get_origin(a) is list for a in typing.get_args(hint))


def _render(result: Any, status: int) -> tuple[int, Response]:
    if isinstance(result, Response):
        return result.status_code, result
    if isinstance(result, Raw):
        headers: dict[str, Any] = {"Content-Type": result.content_type, **result.headers}
        return result.status, Response(body=result.body, status_code=result.status, headers=headers)
    if result is None and status == 204:
        return 204, Response(body="", status_code=204)
    return status, Response(
        body=json.dumps(_jsonable(result)), status_code=status,
        headers={"Content-Type": "application/json"},
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _cors_headers(origin: str | None) -> dict[str, Any]:
    if origin and origin in get_settings().cors_origin_list:
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Expose-Headers": "Retry-After,X-Request-Id,Content-Disposition",
            "Vary": "Origin",
        }
    return {}
