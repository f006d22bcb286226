"""Find providers by entry point and pick one per channel from the settings.

Our own providers are registered the same way as a customer's (`pyproject.toml`,
group `vigil.notification_providers`), so adding one never touches this code.
"""

from __future__ import annotations

import threading
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from vigil import errors
from vigil.notifications.models import Channel
from vigil.notifications.providers.base import ENTRY_POINT_GROUP, CallbackProvider, NotificationProvider
from vigil.settings import Settings, get_settings

_lock = threading.Lock()
# (name, id(settings)) → (settings, provider): holding the settings keeps its id from being
# reused by a newer settings object, which would otherwise get a provider built from the old one.
_instances: dict[tuple[str, int], tuple[Settings, NotificationProvider]] = {}


class UnknownProvider(errors.ValidationFailed):
    """A provider name no installed package registers."""


def available() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def configured_name(channel: Channel, settings: Settings) -> str:
    """The provider a channel uses: the setting, else smtp / middleware when configured, else console."""
    explicit = {
        Channel.EMAIL: settings.notify_email_provider,
        Channel.SMS: settings.notify_sms_provider,
        Channel.IVR: settings.notify_ivr_provider,
        Channel.WEBHOOK: settings.notify_webhook_provider,
    }[channel].strip()
    if explicit:
        return explicit
    if channel is Channel.EMAIL:
        return "smtp" if settings.smtp_host else "console"
    url = settings.middleware_sms_url if channel is Channel.SMS else settings.middleware_ivr_url
    return "middleware" if url else "console"


def get(name: str, settings: Settings | None = None) -> NotificationProvider:
    """The provider registered as `name`, built once per settings object."""
    s = settings or get_settings()
    key = (name, id(s))
    with _lock:
        cached = _instances.get(key)
        if cached is not None and cached[0] is s:
            return cached[1]
    entry = available().get(name)
    if entry is None:
        raise UnknownProvider(
            f"no notification provider named {name!r} is installed "
            f"(entry point group {ENTRY_POINT_GROUP}; installed: {sorted(available())})"
        )
    factory: Any = entry.load()
    provider = factory.from_settings(s) if hasattr(factory, "from_settings") else factory()
    if not isinstance(provider, NotificationProvider):
        raise UnknownProvider(f"{entry.value} does not implement send / check_status / channels")
    with _lock:
        _instances[key] = (s, provider)
    return provider


def for_channel(channel: Channel, settings: Settings | None = None) -> tuple[str, NotificationProvider]:
    s = settings or get_settings()
    name = configured_name(channel, s)
    provider = get(name, s)
    if channel not in provider.channels:
        raise UnknownProvider(f"provider {name!r} does not serve the {channel.value} channel")
    return name, provider


def callback_provider(name: str, settings: Settings | None = None) -> CallbackProvider:
    if name not in available():
        raise errors.NotFound(f"no notification provider named {name!r}")
    provider = get(name, settings)
    if not isinstance(provider, CallbackProvider):
        raise errors.NotFound(f"provider {name!r} does not accept delivery callbacks")
    return provider


def reset() -> None:
    with _lock:
        _instances.clear()
