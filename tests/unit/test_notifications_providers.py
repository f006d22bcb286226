"""Providers without the network: entry-point discovery (ours and a customer's), selection per
channel, the middleware contract body and callback verification, SMTP message building."""

from __future__ import annotations

import json

import pytest

from tests.support.notification_doubles import expose_example_provider
from vigil import errors
from vigil.notifications import signing
from vigil.notifications.models import Channel, DeliveryStatus
from vigil.notifications.providers import registry
from vigil.notifications.providers.base import NotificationProvider, SendRequest
from vigil.notifications.providers.middleware import MiddlewareConfig, MiddlewareProvider
from vigil.notifications.providers.smtp import SmtpConfig, SmtpProvider
from vigil.settings import Settings

SECRET = "s3cret-for-the-unit-tests"


def _request(channel: Channel = Channel.SMS, **over) -> SendRequest:
    fields = {"channel": channel, "recipient": "+4915112345678", "subject": "[HIGH] r triggered",
              "text": "r triggered", "idempotency_key": "k-1", "metadata": {"level": 2}}
    fields.update(over)
    return SendRequest(**fields)


def test_our_providers_are_registered_by_entry_point():
    assert {"console", "smtp", "middleware", "webhook"} <= set(registry.available())
    provider = registry.get("console", Settings())
    assert isinstance(provider, NotificationProvider) and Channel.IVR in provider.channels


def test_selection_per_channel_follows_the_settings():
    bare = Settings()
    assert [registry.configured_name(c, bare) for c in Channel] == ["console", "console", "console", "webhook"]
    wired = Settings(SMTP_HOST="mail", MIDDLEWARE_SMS_URL="http://mw/sms", NOTIFY_IVR_PROVIDER="console")
    assert registry.configured_name(Channel.EMAIL, wired) == "smtp"
    assert registry.configured_name(Channel.SMS, wired) == "middleware"
    assert registry.configured_name(Channel.IVR, wired) == "console"
    with pytest.raises(registry.UnknownProvider, match="does not serve the email channel"):
        registry.for_channel(Channel.EMAIL, Settings(NOTIFY_EMAIL_PROVIDER="middleware"))
    with pytest.raises(registry.UnknownProvider, match="no notification provider named 'nope'"):
        registry.for_channel(Channel.SMS, Settings(NOTIFY_SMS_PROVIDER="nope"))


def test_a_customer_package_adds_a_provider_without_touching_our_code(tmp_path, monkeypatch):
    expose_example_provider(tmp_path, monkeypatch)
    settings = Settings(NOTIFY_SMS_PROVIDER="acme")
    name, provider = registry.for_channel(Channel.SMS, settings)
    assert name == "acme" and type(provider).__module__ == "acme_sms.provider"
    assert provider.channels == frozenset({Channel.SMS, Channel.IVR})


def test_the_middleware_contract_body_is_versioned_and_complete():
    provider = MiddlewareProvider(MiddlewareConfig(urls={Channel.SMS: "http://mw/sms"},
                                                   callback_url="https://v/api/v1/notifications/callbacks/middleware"))
    body = provider.contract_body(_request(recipient_name="Ann"))
    assert body == {"version": "1", "channel": "sms", "idempotencyKey": "k-1", "to": "+4915112345678",
                    "toName": "Ann", "subject": "[HIGH] r triggered", "text": "r triggered",
                    "callbackUrl": "https://v/api/v1/notifications/callbacks/middleware", "metadata": {"level": 2}}


def test_callbacks_are_verified_before_they_are_believed():
    provider = MiddlewareProvider(MiddlewareConfig(urls={}, secret=SECRET))
    raw = json.dumps({"messageId": "m-1", "status": "delivered"}).encode()
    updates = provider.parse_callback(signing.sign(SECRET, raw), raw)
    assert [(u.message_id, u.status) for u in updates] == [("m-1", DeliveryStatus.DELIVERED)]
    batch = json.dumps({"updates": [{"messageId": "a", "status": "failed", "error": "no answer"},
                                    {"messageId": "b", "status": "answered"}]}).encode()
    updates = provider.parse_callback(signing.sign(SECRET, batch), batch)
    assert [(u.message_id, u.status, u.error) for u in updates] == [
        ("a", DeliveryStatus.FAILED, "no answer"), ("b", DeliveryStatus.DELIVERED, None)]
    with pytest.raises(errors.Unauthenticated):
        provider.parse_callback(signing.sign("wrong", raw), raw)
    with pytest.raises(errors.Unauthenticated):
        provider.parse_callback(signing.sign(SECRET, raw), raw + b" ")
    unknown = json.dumps({"messageId": "m", "status": "teleported"}).encode()
    with pytest.raises(errors.ValidationFailed):
        provider.parse_callback(signing.sign(SECRET, unknown), unknown)
    with pytest.raises(errors.Unauthenticated, match="not configured"):
        MiddlewareProvider(MiddlewareConfig(urls={})).parse_callback(signing.sign(SECRET, raw), raw)


def test_smtp_message_has_text_html_subject_and_a_message_id():
    provider = SmtpProvider(SmtpConfig(host="mail", sender="Vigil <alerts@vigil.example.com>"))
    msg = provider.build_message(_request(Channel.EMAIL, recipient="ann@example.com", recipient_name="Ann",
                                          html="<p>hi</p>"))
    assert msg["Subject"] == "[HIGH] r triggered" and msg["To"] == "Ann <ann@example.com>"
    assert msg["Message-ID"].endswith("@vigil.example.com>")
    assert msg.get_body(("plain",)).get_content().strip() == "r triggered"
    assert msg.get_body(("html",)).get_content().strip() == "<p>hi</p>"


def test_only_providers_that_can_tell_more_are_polled():
    from vigil.notifications.providers.base import polls_status

    assert not polls_status(SmtpProvider(SmtpConfig(host="mail")))
    assert not polls_status(registry.get("console", Settings()))
    assert not polls_status(MiddlewareProvider(MiddlewareConfig(urls={})))
    assert polls_status(MiddlewareProvider(MiddlewareConfig(urls={}, status_url="http://mw/status")))
