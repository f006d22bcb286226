"""Channels, delivery statuses and the subjects that escalate."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    IVR = "ivr"
    WEBHOOK = "webhook"


class DeliveryStatus(StrEnum):
    """queued: being handed over; sent: the provider accepted it; delivered: confirmed at the
    recipient (callback or poll); failed: gave up (or the provider reported a failure)."""

    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"


class SubjectType(StrEnum):
    ALERT = "alert"
    INCIDENT = "incident"


class EscalationStatus(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    NO_POLICY = "NO_POLICY"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESOLVED = "RESOLVED"
    SUPERSEDED = "SUPERSEDED"  # an alert's ladder, replaced by the ladder of its incident

    @property
    def stopped(self) -> bool:
        return self in (EscalationStatus.ACKNOWLEDGED, EscalationStatus.RESOLVED, EscalationStatus.SUPERSEDED)


SEVERITIES = ("INFO", "WARNING", "HIGH", "CRITICAL")

# Templates every channel can render; files live in `templates/`.
TEMPLATES = ("alert-triggered", "incident-created", "incident-assigned", "incident-resolved", "manual")
