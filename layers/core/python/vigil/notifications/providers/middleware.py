"""SMS and voice (IVR) through the owner's middleware: contract v1 (docs/providers.md).

Each message is one signed JSON POST to the channel's URL; the middleware answers with its
message id. Delivery comes back by a signed callback to
`/api/v1/notifications/callbacks/middleware`, or by polling `MIDDLEWARE_STATUS_URL/<id>`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, SecretStr

from vigil import errors, http
from vigil.notifications import signing
from vigil.notifications.models import Channel, DeliveryStatus
from vigil.notifications.providers.base import ProviderError, SendRequest, SendResult, StatusUpdate
from vigil.settings import Settings

CALLBACK_PATH = "/api/v1/notifications/callbacks/middleware"
_STATUSES = {"accepted": DeliveryStatus.SENT, "queued": DeliveryStatus.SENT, "sent": DeliveryStatus.SENT,
             "delivered": DeliveryStatus.DELIVERED, "answered": DeliveryStatus.DELIVERED,
             "failed": DeliveryStatus.FAILED}
_RETRYABLE_HTTP = {408, 425, 429}


class MiddlewareConfig(BaseModel):
    urls: dict[Channel, str]
    status_url: str = ""
    secret: SecretStr | None = None
    callback_url: str = ""
    timeout_seconds: float = 10.0


def parse_status(value: Any) -> DeliveryStatus:
    status = _STATUSES.get(str(value).lower())
    if status is None:
        raise ProviderError(f"the middleware reported an unknown status {value!r}", retryable=False)
    return status


class MiddlewareProvider:
    name = "middleware"
    channels = frozenset({Channel.SMS, Channel.IVR})

    def __init__(self, config: MiddlewareConfig) -> None:
        self.config = config

    @property
    def polls_status(self) -> bool:
        return bool(self.config.status_url)

    @classmethod
    def from_settings(cls, settings: Settings) -> MiddlewareProvider:
        urls = {Channel.SMS: settings.middleware_sms_url, Channel.IVR: settings.middleware_ivr_url}
        return cls(MiddlewareConfig(
            urls={k: v for k, v in urls.items() if v}, status_url=settings.middleware_status_url,
            secret=settings.middleware_secret,
            callback_url=settings.public_base_url.rstrip("/") + CALLBACK_PATH,
            timeout_seconds=settings.http_timeout_seconds,
        ))

    def _secret(self) -> str:
        if self.config.secret is None or not self.config.secret.get_secret_value():
            raise ProviderError("MIDDLEWARE_SECRET is not configured", retryable=False)
        return self.config.secret.get_secret_value()

    def contract_body(self, request: SendRequest) -> dict[str, Any]:
        return {
            "version": signing.CONTRACT_VERSION,
            "channel": request.channel.value,
            "idempotencyKey": request.idempotency_key,
            "to": request.recipient,
            "toName": request.recipient_name,
            "subject": request.subject,
            "text": request.text,
            "callbackUrl": self.config.callback_url,
            "metadata": request.metadata,
        }

    def send(self, request: SendRequest) -> SendResult:
        url = self.config.urls.get(request.channel)
        if not url:
            raise ProviderError(f"no middleware URL configured for {request.channel.value}", retryable=False)
        body = json.dumps(self.contract_body(request), separators=(",", ":"), default=str).encode()
        headers = signing.sign(self._secret(), body, idempotency_key=request.idempotency_key)
        try:
            with http.client(timeout=self.config.timeout_seconds) as client:
                response = client.post(url, content=body, headers=headers)
        except http.HttpError as exc:
            raise ProviderError(f"middleware unreachable: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 300:
            retryable = response.status_code >= 500 or response.status_code in _RETRYABLE_HTTP
            raise ProviderError(f"middleware answered {response.status_code}: {response.text[:200]}",
                                retryable=retryable)
        data = _json(response)
        message_id = str(data.get("messageId") or "")
        if not message_id:
            raise ProviderError("middleware answer has no messageId", retryable=False)
        status = parse_status(data.get("status", "accepted"))
        if status is DeliveryStatus.FAILED:
            raise ProviderError(f"middleware refused the message: {data.get('error') or 'failed'}",
                                retryable=False)
        return SendResult(message_id=message_id, status=status)

    def check_status(self, message_id: str) -> DeliveryStatus:
        if not self.config.status_url:
            return DeliveryStatus.SENT  # callbacks only: nothing to poll
        url = f"{self.config.status_url.rstrip('/')}/{message_id}"
        headers = signing.sign(self._secret(), b"")
        try:
            with http.client(timeout=self.config.timeout_seconds) as client:
                response = client.get(url, headers=headers)
        except http.HttpError as exc:
            raise ProviderError(f"middleware unreachable: {exc}") from exc
        if response.status_code >= 300:
            raise ProviderError(f"middleware status answered {response.status_code}")
        return parse_status(_json(response).get("status"))

    def parse_callback(self, headers: dict[str, str], body: bytes) -> list[StatusUpdate]:
        if self.config.secret is None or not self.config.secret.get_secret_value():
            raise errors.Unauthenticated("callbacks cannot be verified: MIDDLEWARE_SECRET is not configured")
        if not signing.verify(self._secret(), headers, body):
            raise errors.Unauthenticated("the callback signature is missing, stale or wrong")
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise errors.ValidationFailed("the callback body is not JSON") from exc
        items = data.get("updates", [data]) if isinstance(data, dict) else data
        updates = []
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict) or not item.get("messageId"):
                raise errors.ValidationFailed("a callback update needs a messageId",
                                              details=[{"field": f"body.updates.{i}.messageId",
                                                        "message": "required"}])
            try:
                status = parse_status(item.get("status"))
            except ProviderError as exc:
                raise errors.ValidationFailed(exc.message, details=[
                    {"field": f"body.updates.{i}.status", "message": exc.message}]) from exc
            updates.append(StatusUpdate(str(item["messageId"]), status, item.get("error")))
        return updates


def _json(response: http.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError as exc:
        raise ProviderError(f"middleware answer is not JSON: {response.text[:200]}") from exc
    return data if isinstance(data, dict) else {}
