"""Pure rules of notifications: signing, routing, ladder planning, templates, recipients,
idempotency keys."""

from __future__ import annotations

import pytest

from vigil import errors
from vigil.events.catalog import parse_envelope
from vigil.notifications import escalation, signing, templates
from vigil.notifications.delivery import idempotency_key
from vigil.notifications.models import Channel, SubjectType
from vigil.notifications.recipients import member_address
from vigil.notifications.routing import select_policy

ALERT = {"severity": "CRITICAL", "ruleName": "Orders dropped", "loaderCode": "ORDERS", "currentValue": 3.5,
         "threshold": 10, "triggeredAt": "2026-11-27T06:00:00Z", "labels": {"team": "shop"},
         "link": "https://vigil.example.com/alerts/a-1"}


def test_a_signature_verifies_only_for_the_same_secret_body_and_a_fresh_time():
    body = b'{"to":"+49151"}'
    headers = signing.sign("secret", body, idempotency_key="k", now=1_000_000)
    assert headers["Idempotency-Key"] == "k" and headers["X-Vigil-Signature"].startswith("v1=")
    assert signing.verify("secret", headers, body, now=1_000_100)
    assert not signing.verify("other", headers, body, now=1_000_100)
    assert not signing.verify("secret", headers, body + b" ", now=1_000_100)
    assert not signing.verify("secret", headers, body, now=1_000_000 + 301)  # replayed later
    assert not signing.verify("secret", {}, body)
    lowered = {k.lower(): v for k, v in headers.items()}
    assert signing.verify("secret", lowered, body, now=1_000_000)


def _policy(name: str, match: dict, default: bool = False) -> dict:
    return {"id": name, "name": name, "match": match, "is_default": default}


def test_routing_picks_the_most_specific_match_then_the_default():
    policies = [_policy("default", {}, default=True),
                _policy("critical", {"severities": ["CRITICAL"]}),
                _policy("orders-critical", {"severities": ["CRITICAL"], "loaderCodes": ["ORDERS"]}),
                _policy("shop", {"labels": {"team": "shop"}})]
    pick = lambda **kw: select_policy(policies, **kw)["name"]  # noqa: E731
    assert pick(severity="CRITICAL", loader_code="ORDERS", labels={}) == "orders-critical"
    assert pick(severity="CRITICAL", loader_code="X", labels={}) == "critical"
    assert pick(severity="HIGH", loader_code="X", labels={"team": "shop"}) == "shop"
    assert pick(severity="HIGH", loader_code="X", labels={"team": "ops"}) == "default"
    assert select_policy(policies[1:], severity="INFO", loader_code="X") is None


def test_a_ladder_is_one_step_per_level_and_channel_with_repeats():
    policy = {"id": "p", "repeat": 1, "levels": [
        {"channels": ["email", "sms"], "targets": [{"contactGroupId": "g"}], "waitSeconds": 300},
        {"channels": ["ivr"], "targets": [{"userId": "u"}], "waitSeconds": 600}]}
    steps = escalation.plan(policy=policy, escalation="e", subject_type=SubjectType.ALERT, subject_id="a",
                            template="alert-triggered", context=ALERT, correlation="c-1")
    assert [(s["level"], s["channel"], s["waitSeconds"]) for s in steps] == [
        (1, "email", 0), (1, "sms", 300), (2, "ivr", 600), (3, "email", 0), (3, "sms", 300), (4, "ivr", 0)]
    envelope = parse_envelope(steps[2]["message"])
    assert envelope.type == "notification.requested" and envelope.correlation_id == "c-1"
    assert envelope.payload["escalation"] == {"escalationId": "e", "policyId": "p", "level": 2,
                                              "subjectType": "alert", "subjectId": "a"}
    assert envelope.payload["targets"] == [{"userId": "u"}] and envelope.payload["context"]["level"] == 2
    assert len({s["message"] for s in steps}) == len(steps)  # each step its own event id


def test_escalation_identity_is_deterministic_per_subject():
    a = escalation.escalation_id(SubjectType.ALERT, "x")
    assert a == escalation.escalation_id(SubjectType.ALERT, "x") != escalation.escalation_id(SubjectType.INCIDENT, "x")
    assert escalation.execution_name(SubjectType.ALERT, "a b/c") == "alert-a-b-c"


def test_alert_email_has_the_pinned_subject_values_and_link():
    r = templates.render("alert-triggered", Channel.EMAIL, ALERT)
    assert r.subject == "[CRITICAL] Orders dropped triggered"
    for fragment in ("Orders dropped", "ORDERS", "3.5", "10", "team=shop", ALERT["link"]):
        assert fragment in r.text
    assert f'href="{ALERT["link"]}"' in (r.html or "")


def test_html_is_escaped_and_a_subject_stays_one_line():
    r = templates.render("alert-triggered", Channel.EMAIL, {**ALERT, "ruleName": "<b>x</b>\nBcc: evil@x"})
    assert "<b>x</b>" not in (r.html or "") and "&lt;b&gt;" in (r.html or "")
    assert "\n" not in r.subject


def test_short_channels_get_one_line_and_unknown_templates_are_refused():
    sms = templates.render("alert-triggered", Channel.SMS, ALERT)
    assert sms.text == "[CRITICAL] Orders dropped triggered on ORDERS: value 3.5, threshold 10. " + ALERT["link"]
    assert sms.html is None
    long = templates.render("manual", Channel.SMS, {"subject": "s", "message": "x" * 2000})
    assert len(long.text) == templates.SMS_MAX_CHARS
    with pytest.raises(errors.ValidationFailed, match="unknown template"):
        templates.render("nope", Channel.EMAIL, {})


def test_incident_templates_render():
    ctx = {"title": "Checkout down", "severity": "HIGH", "status": "NEW", "assignee": "bob", "link": "L",
           "note": "rolled back", "actor": "ann"}
    assert templates.render("incident-created", Channel.EMAIL, ctx).subject == "[HIGH] Incident opened: Checkout down"
    assigned = templates.render("incident-assigned", Channel.EMAIL, ctx)
    assert assigned.subject == "Incident assigned to you: Checkout down"
    resolved = templates.render("incident-resolved", Channel.EMAIL, ctx)
    assert resolved.subject == "Incident resolved: Checkout down" and "rolled back" in resolved.text


def test_member_addresses_follow_channel_and_preferences():
    users = {"u1": {"id": "u1", "email": "user@example.com", "username": "u"}}
    ann = {"name": "Ann", "email": "ann@x.io", "phone": "+4915112345678"}
    bob = {"name": "Bob", "phone": "+4915187654321", "email": "bob@x.io", "channels": ["sms"]}
    linked = {"name": "Lee", "userId": "u1"}
    assert member_address(ann, Channel.EMAIL, users) == "ann@x.io"
    assert member_address(ann, Channel.IVR, users) == "+4915112345678"
    assert member_address(bob, Channel.EMAIL, users) is None
    assert member_address(bob, Channel.SMS, users) == "+4915187654321"
    assert member_address(linked, Channel.EMAIL, users) == "user@example.com"
    assert member_address(linked, Channel.SMS, users) is None


def test_idempotency_key_is_per_event_level_recipient_and_channel():
    base = idempotency_key(event="e", level=1, recipient="Ann@X.io", channel=Channel.EMAIL)
    assert base == idempotency_key(event="e", level=1, recipient="ann@x.io ", channel=Channel.EMAIL)
    others = {idempotency_key(event="e2", level=1, recipient="ann@x.io", channel=Channel.EMAIL),
              idempotency_key(event="e", level=2, recipient="ann@x.io", channel=Channel.EMAIL),
              idempotency_key(event="e", level=1, recipient="bob@x.io", channel=Channel.EMAIL),
              idempotency_key(event="e", level=1, recipient="ann@x.io", channel=Channel.SMS)}
    assert base not in others and len(others) == 4
