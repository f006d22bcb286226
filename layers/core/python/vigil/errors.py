"""Domain exceptions: one class per failure mode.

Each surface maps them in exactly one place: HTTP in `vigil.api.errors`, SQS retry/DLQ in
`vigil.events.consumer`, Step Functions in the ASL `Retry`/`Catch` names (the class names).
"""

from __future__ import annotations

from typing import Any


class VigilError(Exception):
    """Base of every error the platform raises on purpose."""

    code = "INTERNAL"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class ValidationFailed(VigilError):
    """Input that does not satisfy the contract; `details` name the offending fields."""

    code = "VALIDATION_FAILED"


class Unauthenticated(VigilError):
    """No credentials, or credentials that are not valid."""

    code = "UNAUTHENTICATED"


class Forbidden(VigilError):
    """Valid credentials whose role is below what the operation needs."""

    code = "FORBIDDEN"


class NotFound(VigilError):
    """The addressed entity does not exist (or is not visible to the caller)."""

    code = "NOT_FOUND"


class Conflict(VigilError):
    """The operation clashes with the current state: duplicates, dependents, transitions."""

    code = "CONFLICT"


class PayloadTooLarge(VigilError):
    """A body or upload above the allowed size."""

    code = "PAYLOAD_TOO_LARGE"


class RateLimited(VigilError):
    """Too many requests; `retry_after` says how many seconds to wait."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class DependencyUnavailable(VigilError):
    """A downstream system (database, source, Jira, SMTP) failed in a way worth retrying."""

    code = "DEPENDENCY_UNAVAILABLE"


class PoisonMessage(VigilError):
    """A queue message that can never be processed; it goes to the DLQ at once."""

    code = "POISON_MESSAGE"


class InProgress(VigilError):
    """Another worker is processing the same message right now; retry later."""

    code = "IN_PROGRESS"
