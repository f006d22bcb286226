"""The lifecycle rules, free of I/O: which transitions exist and what each one requires."""

from __future__ import annotations

from vigil import errors
from vigil.incidents.models import TRANSITIONS, Status


def allowed_from(current: Status) -> tuple[Status, ...]:
    return TRANSITIONS[current]


def check_transition(*, current: Status, target: Status, note: str | None, reason: str | None) -> None:
    """Raise Conflict for a transition the lifecycle does not have, ValidationFailed when the
    transition needs a resolution note (RESOLVED) or a closure reason (CLOSED) it lacks."""
    allowed = allowed_from(current)
    if target not in allowed:
        names = ", ".join(s.value for s in allowed) or "none (CLOSED is final)"
        raise errors.Conflict(
            f"an incident cannot move from {current.value} to {target.value}; "
            f"allowed from {current.value}: {names}",
            details=[{"field": "status", "current": current.value,
                      "allowed": [s.value for s in allowed]}],
        )
    if target is Status.RESOLVED and not (note or "").strip():
        raise errors.ValidationFailed(
            "a resolution note is required to resolve an incident",
            details=[{"field": "body.note", "message": "required when status is RESOLVED"}],
        )
    if target is Status.CLOSED and not (reason or "").strip():
        raise errors.ValidationFailed(
            "a closure reason is required to close an incident",
            details=[{"field": "body.reason", "message": "required when status is CLOSED"}],
        )
