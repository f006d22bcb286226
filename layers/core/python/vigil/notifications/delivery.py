"""Send one rendered notification to each recipient exactly once, logging every attempt.

The idempotency key of a notification is (event, level, recipient, channel); its row in
`notification_deliveries` is claimed before anything is sent, so a redelivered message, or a
second worker, finds it and sends nothing. Attempts run with exponential backoff; each is one
row of `notification_log`. The provider call happens outside any transaction.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from vigil import errors
from vigil.db import Database
from vigil.logging import get_logger
from vigil.notifications import repository as repo
from vigil.notifications.models import Channel, DeliveryStatus
from vigil.notifications.providers import registry
from vigil.notifications.providers.base import NotificationProvider, ProviderError, SendRequest
from vigil.notifications.recipients import Recipient
from vigil.notifications.templates import Rendered
from vigil.ops import metrics
from vigil.settings import Settings, get_settings

log = get_logger(__name__)

CLAIM_LEASE_SECONDS = 120  # a claim older than this belongs to a worker that died


@dataclass(frozen=True)
class Notification:
    event_id: str  # the event (or escalation) the notification belongs to
    channel: Channel
    template: str
    rendered: Rendered
    level: int | None = None
    escalation_id: str | None = None
    subject_type: str | None = None
    subject_id: str | None = None
    link: str | None = None


def idempotency_key(*, event: str, level: int | None, recipient: str, channel: Channel) -> str:
    raw = f"{event}|{level or 0}|{recipient.strip().lower()}|{channel.value}"
    return hashlib.sha256(raw.encode()).hexdigest()


def deliver(db: Database, *, notification: Notification, recipients: list[Recipient],
            settings: Settings | None = None, sleep: Callable[[float], None] = time.sleep) -> list[str]:
    """Final status per recipient ("skipped" when an earlier delivery owns the key)."""
    s = settings or get_settings()
    name, provider = registry.for_channel(notification.channel, s)
    return [_deliver_one(db, notification, r, name, provider, s, sleep) for r in recipients]


def _deliver_one(db: Database, n: Notification, recipient: Recipient, provider_name: str,
                 provider: NotificationProvider, s: Settings, sleep: Callable[[float], None]) -> str:
    key = idempotency_key(event=n.escalation_id or n.event_id, level=n.level, recipient=recipient.address,
                          channel=n.channel)
    with db.session() as session:
        row, created = repo.claim_delivery(session, {
            "idempotency_key": key, "event_id": n.event_id, "escalation_id": n.escalation_id, "level": n.level,
            "channel": n.channel.value, "provider": provider_name, "recipient": recipient.address,
            "template": n.template, "subject_type": n.subject_type, "subject_id": n.subject_id,
        })
        if not created:
            if row["status"] != DeliveryStatus.QUEUED.value:
                log.info("notification already handled", extra={"deliveryId": row["id"], "status": row["status"]})
                return "skipped"
            if row["claimed_at"] > datetime.now(UTC) - timedelta(seconds=CLAIM_LEASE_SECONDS):
                raise errors.InProgress(f"delivery {row['id']} is being sent by another worker")
            repo.update_delivery(session, row["id"], {"claimed_at": datetime.now(UTC)})  # take over
    request = SendRequest(
        channel=n.channel, recipient=recipient.address, recipient_name=recipient.name,
        subject=n.rendered.subject, text=n.rendered.text, html=n.rendered.html, idempotency_key=key,
        metadata={"template": n.template, "subjectType": n.subject_type, "subjectId": n.subject_id,
                  "level": n.level, "link": n.link},
    )
    first = int(row["attempts"]) + 1
    error = "no attempt left"
    for attempt in range(first, s.notify_max_attempts + 1):
        with db.session() as session:
            log_id = repo.insert_attempt(session, row, attempt=attempt, provider=provider_name)
            repo.update_delivery(session, row["id"], {"attempts": attempt})
        retryable, error, result = _attempt(provider, request)
        now = datetime.now(UTC)
        with db.session() as session:
            if result is not None:
                delivered = now if result.status is DeliveryStatus.DELIVERED else None
                status = DeliveryStatus.DELIVERED if delivered else DeliveryStatus.SENT
                repo.finish_attempt(session, log_id, status=status.value, error=None, sent_at=now,
                                    delivered_at=delivered)
                repo.update_delivery(session, row["id"], {
                    "status": status.value, "provider_message_id": result.message_id, "sent_at": now,
                    "delivered_at": delivered, "error": None})
                metrics.notification(channel=n.channel.value, sent=True)
                return status.value
            repo.finish_attempt(session, log_id, status="failed", error=error, sent_at=None, delivered_at=None)
            last = not retryable or attempt >= s.notify_max_attempts
            if last:
                repo.update_delivery(session, row["id"], {"status": "failed", "error": error})
        log.warning("notification attempt failed",
                    extra={"deliveryId": row["id"], "attempt": attempt, "error": error, "final": last})
        if last:
            metrics.notification(channel=n.channel.value, sent=False)
            return DeliveryStatus.FAILED.value
        sleep(s.notify_backoff_seconds * (2 ** (attempt - first)))
    with db.session() as session:
        repo.update_delivery(session, row["id"], {"status": "failed", "error": error})
    return DeliveryStatus.FAILED.value


def _attempt(provider: NotificationProvider, request: SendRequest) -> tuple[bool, str, Any]:
    """(retryable, error, result): a plug-in may raise anything; it must not break the loop."""
    try:
        return False, "", provider.send(request)
    except ProviderError as exc:
        return exc.retryable, exc.message[:1000], None
    except Exception as exc:  # noqa: BLE001 - third-party plug-ins: every failure is logged, retried
        return True, f"{type(exc).__name__}: {exc}"[:1000], None
