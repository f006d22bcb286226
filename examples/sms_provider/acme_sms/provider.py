"""Acme SMS / voice gateway provider: a complete, working example of a Vigil provider.

Acme's (fictional) API:
  POST {ACME_API_URL}/messages   {"to", "body", "kind": "sms"|"voice", "reference"}
       header "Authorization: Bearer {ACME_API_KEY}"  → 201 {"id", "state": "accepted"}
       a repeated "reference" returns the first message (Acme de-duplicates for us).
  GET  {ACME_API_URL}/messages/{id}                   → 200 {"id", "state"}
  states: accepted | delivered | undeliverable

The provider reads its own configuration from the environment (ACME_API_URL, ACME_API_KEY,
ACME_TIMEOUT_SECONDS): Vigil's settings object is passed in but a plug-in need not use it.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from vigil.notifications.models import Channel, DeliveryStatus
from vigil.notifications.providers.base import ProviderError, SendRequest, SendResult

_STATES = {"accepted": DeliveryStatus.SENT, "delivered": DeliveryStatus.DELIVERED,
           "undeliverable": DeliveryStatus.FAILED}


@dataclass(frozen=True)
class AcmeConfig:
    api_url: str
    api_key: str
    timeout_seconds: float = 10.0

    @classmethod
    def from_environment(cls) -> AcmeConfig:
        return cls(api_url=os.environ.get("ACME_API_URL", "").rstrip("/"),
                   api_key=os.environ.get("ACME_API_KEY", ""),
                   timeout_seconds=float(os.environ.get("ACME_TIMEOUT_SECONDS", "10")))


class AcmeSmsProvider:
    name = "acme"
    channels = frozenset({Channel.SMS, Channel.IVR})

    def __init__(self, config: AcmeConfig) -> None:
        self.config = config

    @classmethod
    def from_settings(cls, settings: Any) -> AcmeSmsProvider:
        return cls(AcmeConfig.from_environment())

    def send(self, request: SendRequest) -> SendResult:
        payload = {"to": request.recipient, "body": request.text,
                   "kind": "voice" if request.channel is Channel.IVR else "sms",
                   # Vigil's idempotency key: Acme de-duplicates retries by it.
                   "reference": request.idempotency_key}
        data = self._call("POST", "/messages", payload)
        return SendResult(message_id=str(data["id"]), status=_STATES.get(data.get("state", ""), DeliveryStatus.SENT))

    def check_status(self, message_id: str) -> DeliveryStatus:
        data = self._call("GET", f"/messages/{message_id}")
        return _STATES.get(data.get("state", ""), DeliveryStatus.SENT)

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        if not self.config.api_url.startswith(("http://", "https://")):
            raise ProviderError("ACME_API_URL is not configured", retryable=False)
        body = json.dumps(payload).encode() if payload is not None else None
        req = urllib.request.Request(  # noqa: S310 - URL checked above
            self.config.api_url + path, data=body, method=method,
            headers={"Authorization": f"Bearer {self.config.api_key}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.config.timeout_seconds) as resp:  # noqa: S310
                return dict(json.loads(resp.read() or b"{}"))
        except urllib.error.HTTPError as exc:
            # 4xx: the request itself is wrong (bad number, bad key): retrying cannot help.
            raise ProviderError(f"Acme answered {exc.code}", retryable=exc.code >= 500 or exc.code == 429) from exc
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise ProviderError(f"Acme unreachable: {exc}") from exc
