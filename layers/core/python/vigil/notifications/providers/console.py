"""Development provider for every channel: writes the message to the log, sends nothing."""

from __future__ import annotations

import uuid

from vigil.logging import get_logger
from vigil.notifications.models import Channel, DeliveryStatus
from vigil.notifications.providers.base import SendRequest, SendResult

log = get_logger("vigil.notifications.console")


class ConsoleProvider:
    name = "console"
    channels = frozenset(Channel)
    polls_status = False

    def send(self, request: SendRequest) -> SendResult:
        log.info(
            "console notification",
            extra={"channel": request.channel.value, "recipient": request.recipient,
                   "subject": request.subject, "text": request.text,
                   "idempotencyKey": request.idempotency_key},
        )
        return SendResult(message_id=f"console-{uuid.uuid4()}", status=DeliveryStatus.DELIVERED)

    def check_status(self, message_id: str) -> DeliveryStatus:
        return DeliveryStatus.DELIVERED
