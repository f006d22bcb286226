"""Webhook channel: POST the rendered notification as JSON to the recipient URL.

Signed like the middleware contract when NOTIFY_WEBHOOK_SECRET is set, so the receiver can
check it came from us.
"""

from __future__ import annotations

import json
import uuid

from pydantic import BaseModel, SecretStr

from vigil import http
from vigil.notifications import signing
from vigil.notifications.models import Channel, DeliveryStatus
from vigil.notifications.providers.base import ProviderError, SendRequest, SendResult
from vigil.settings import Settings


class WebhookConfig(BaseModel):
    secret: SecretStr | None = None
    timeout_seconds: float = 10.0


class WebhookProvider:
    name = "webhook"
    channels = frozenset({Channel.WEBHOOK})
    polls_status = False

    def __init__(self, config: WebhookConfig) -> None:
        self.config = config

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookProvider:
        return cls(WebhookConfig(secret=settings.webhook_secret,
                                 timeout_seconds=settings.http_timeout_seconds))

    def send(self, request: SendRequest) -> SendResult:
        if not request.recipient.startswith(("http://", "https://")):
            raise ProviderError(f"webhook recipient {request.recipient!r} is not a URL", retryable=False)
        body = json.dumps({
            "version": signing.CONTRACT_VERSION, "idempotencyKey": request.idempotency_key,
            "subject": request.subject, "text": request.text, "metadata": request.metadata,
        }, default=str).encode()
        secret = self.config.secret.get_secret_value() if self.config.secret else ""
        headers = (signing.sign(secret, body, idempotency_key=request.idempotency_key) if secret
                   else {"Content-Type": "application/json", signing.IDEMPOTENCY_HEADER: request.idempotency_key})
        try:
            with http.client(timeout=self.config.timeout_seconds) as client:
                response = client.post(request.recipient, content=body, headers=headers)
        except http.HttpError as exc:
            raise ProviderError(f"webhook unreachable: {exc}") from exc
        if response.status_code >= 300:
            raise ProviderError(f"webhook answered {response.status_code}",
                                retryable=response.status_code >= 500 or response.status_code == 429)
        return SendResult(message_id=f"webhook-{uuid.uuid4()}", status=DeliveryStatus.DELIVERED)

    def check_status(self, message_id: str) -> DeliveryStatus:
        return DeliveryStatus.DELIVERED
