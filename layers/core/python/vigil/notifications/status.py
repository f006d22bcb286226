"""Delivery status after the send: provider callbacks and polling."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from vigil.db import Database
from vigil.logging import get_logger
from vigil.notifications import repository as repo
from vigil.notifications.models import Channel, DeliveryStatus
from vigil.notifications.providers import registry
from vigil.notifications.providers.base import ProviderError, polls_status
from vigil.settings import get_settings

log = get_logger(__name__)


def apply_callback(db: Database, *, provider: str, headers: dict[str, str], body: bytes,
                   audit: Callable[..., None] | None = None) -> int:
    """Verify and apply a provider's callback; raises Unauthenticated when not authentic."""
    updates = registry.callback_provider(provider).parse_callback(headers, body)
    applied = 0
    with db.session() as s:
        for u in updates:
            applied += repo.apply_status(s, provider=provider, message_id=u.message_id, status=u.status.value,
                                         error=u.error)
        if audit is not None:
            audit(action="notification.callback", entity_type="notification_provider", entity_id=provider,
                  after={"updates": [{"messageId": u.message_id, "status": u.status.value} for u in updates],
                         "applied": applied}, session=s)
    log.info("delivery callback", extra={"provider": provider, "updates": len(updates), "applied": applied})
    return applied


def poll(db: Database, *, older_than_seconds: int = 60, give_up_after_seconds: int = 86400,
         limit: int = 100) -> int:
    """Ask the providers in use that can tell about messages still only "sent" (for a day)."""
    s = get_settings()
    names = sorted(n for n in {registry.configured_name(c, s) for c in Channel}
                   if polls_status(registry.get(n, s)))
    if not names:
        return 0
    now = datetime.now(UTC)
    with db.session() as session:
        pending = repo.deliveries_to_poll(
            session, providers=names, sent_after=now - timedelta(seconds=give_up_after_seconds),
            sent_before=now - timedelta(seconds=older_than_seconds), limit=limit)
    changed = 0
    for row in pending:
        try:
            status = registry.get(row["provider"], s).check_status(row["provider_message_id"])
        except ProviderError as exc:
            log.warning("status poll failed", extra={"deliveryId": row["id"], "error": exc.message})
            continue
        with db.session() as session:
            if status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
                changed += repo.apply_status(session, provider=row["provider"],
                                             message_id=row["provider_message_id"], status=status.value, error=None)
            else:
                repo.touch_delivery(session, row["id"])
    return changed
