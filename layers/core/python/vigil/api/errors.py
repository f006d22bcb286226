"""The one mapping from exceptions to HTTP responses."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from vigil import errors
from vigil.logging import get_logger

log = get_logger(__name__)

STATUS: dict[type[errors.VigilError], int] = {
    errors.ValidationFailed: 400,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PayloadTooLarge: 413,
    errors.RateLimited: 429,
    errors.DependencyUnavailable: 503,
}


def validation_details(exc: ValidationError, *, prefix: str = "") -> list[dict[str, Any]]:
    details = []
    for err in exc.errors(include_url=False, include_input=False):
        path = ".".join(str(p) for p in err.get("loc", ()))
        field = f"{prefix}.{path}" if prefix and path else (prefix or path)
        details.append({"field": field or None, "message": err.get("msg", "invalid")})
    return details


def to_status_and_body(exc: BaseException) -> tuple[int, dict[str, Any], dict[str, str]]:
    """(status, body, extra headers) for any exception; unknown ones become a logged 500."""
    headers: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        exc = errors.ValidationFailed("the request is not valid", details=validation_details(exc))
    if isinstance(exc, errors.VigilError):
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 500)
        if isinstance(exc, errors.RateLimited):
            headers["Retry-After"] = str(exc.retry_after)
        if status >= 500:
            log.error("request failed", extra={"error": f"{type(exc).__name__}: {exc}"})
        body = {"error": {"code": exc.code, "message": exc.message, "details": exc.details}}
        return status, body, headers
    log.exception("unhandled error", exc_info=exc)
    return 500, {"error": {"code": "INTERNAL", "message": "internal error", "details": []}}, headers
