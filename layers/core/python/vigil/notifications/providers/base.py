"""The provider plug-in point: a small Protocol per capability.

A provider is a class registered under the entry point group `vigil.notification_providers`
(ours in our `pyproject.toml`, a customer's in theirs). It declares the channels it serves and
is built with `from_settings(settings)` when it has one, else with no arguments. It receives a
rendered message and returns the provider's message id and a status; it raises
`ProviderError` when the message did not go out (`retryable=False` when trying again cannot
help, e.g. an invalid phone number).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from vigil import errors
from vigil.notifications.models import Channel, DeliveryStatus

ENTRY_POINT_GROUP = "vigil.notification_providers"


@dataclass(frozen=True)
class SendRequest:
    channel: Channel
    recipient: str  # e-mail address, E.164 phone number or URL, depending on the channel
    subject: str
    text: str  # plain text (e-mail body, SMS text, words the voice call reads out)
    idempotency_key: str  # the same key for every attempt of one notification
    html: str | None = None
    recipient_name: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)  # template, subject, level, link


@dataclass(frozen=True)
class SendResult:
    message_id: str
    status: DeliveryStatus = DeliveryStatus.SENT


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery status reported by a provider's callback."""

    message_id: str
    status: DeliveryStatus
    error: str | None = None


class ProviderError(errors.VigilError):
    """The provider did not take the message; `retryable` says whether another attempt may."""

    code = "PROVIDER_ERROR"

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@runtime_checkable
class NotificationProvider(Protocol):
    name: str
    channels: frozenset[Channel]

    def send(self, request: SendRequest) -> SendResult: ...

    def check_status(self, message_id: str) -> DeliveryStatus: ...


def polls_status(provider: NotificationProvider) -> bool:
    """Whether polling `check_status` can tell more than "sent" (optional `polls_status` attribute)."""
    return bool(getattr(provider, "polls_status", True))


@runtime_checkable
class CallbackProvider(Protocol):
    """A provider whose service reports delivery by calling us back.

    `parse_callback` gets the raw request; it raises `errors.Unauthenticated` unless the
    request is authentic (signature checked in constant time).
    """

    def parse_callback(self, headers: dict[str, str], body: bytes) -> list[StatusUpdate]: ...
