"""Notification providers: the Protocol, the registry and our own implementations."""

from vigil.notifications.providers.base import (
    ENTRY_POINT_GROUP,
    CallbackProvider,
    NotificationProvider,
    ProviderError,
    SendRequest,
    SendResult,
    StatusUpdate,
)

__all__ = [
    "ENTRY_POINT_GROUP", "CallbackProvider", "NotificationProvider", "ProviderError", "SendRequest",
    "SendResult", "StatusUpdate",
]
