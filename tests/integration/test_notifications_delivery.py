"""Delivery through real servers: e-mail to an aiosmtpd server, SMS/IVR to an HTTP middleware
double that checks the HMAC signature; idempotency, retries, callbacks, polling, the log."""

from __future__ import annotations

import json
import uuid

import pytest
from pydantic import SecretStr

from tests.support.notification_doubles import MiddlewareDouble, SmtpDouble, configured, notification_settings
from vigil import errors
from vigil.events.catalog import make
from vigil.notifications import escalation, flows, signing, status
from vigil.notifications import repository as repo
from vigil.notifications.models import EscalationStatus, SubjectType

GROUPS = "/api/v1/notifications/contact-groups"


@pytest.fixture(scope="module")
def smtp():
    double = SmtpDouble().start()
    yield double
    double.stop()


@pytest.fixture(scope="module")
def middleware():
    double = MiddlewareDouble().start()
    yield double
    double.stop()


@pytest.fixture
def wired(services, smtp, middleware):
    smtp.fail_next = 0
    middleware.fail_next = 0
    with configured(notification_settings(smtp, middleware)) as s:
        yield s


def _addr() -> str:
    return f"oncall-{uuid.uuid4().hex[:8]}@example.com"


def _alert_request(recipient: str, channel: str = "email", **extra):
    context = {"severity": "CRITICAL", "ruleName": "Orders dropped", "loaderCode": "ORDERS", "currentValue": 3.0,
               "threshold": 10.0, "triggeredAt": "2026-11-27T06:00:00Z",
               "link": "https://vigil.example.com/alerts/a-1"}
    return make("notification.requested", {"channel": channel, "template": "alert-triggered",
                                            "recipient": recipient, "context": context, **extra})


def _log(viewer, **query):
    res = viewer.get("/api/v1/notifications/log", query=query)
    assert res.status == 200, res
    return res.body["items"]


def test_an_alert_email_reaches_the_smtp_server_once_even_when_redelivered(wired, smtp, viewer):
    to = _addr()
    envelope = _alert_request(to)
    # WHEN the same message is handled twice (SQS is at-least-once)
    assert flows.on_notification_requested(envelope) == ["sent"]
    assert flows.on_notification_requested(envelope) == ["skipped"]
    # THEN exactly one mail arrived, with the pinned subject, the values and the link
    mails = smtp.to(to)
    assert len(mails) == 1
    mail = mails[0]
    assert mail["Subject"] == "[CRITICAL] Orders dropped triggered"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    for fragment in ("Orders dropped", "ORDERS", "3.0", "10.0", "https://vigil.example.com/alerts/a-1"):
        assert fragment in text
    assert 'href="https://vigil.example.com/alerts/a-1"' in html
    # AND the log has one attempt, sent
    rows = _log(viewer, recipient=to)
    assert [(r["channel"], r["status"], r["attempt"], r["template"]) for r in rows] == [
        ("email", "sent", 1, "alert-triggered")]
    assert rows[0]["sentAt"] and rows[0]["eventId"] == envelope.id


def test_smtp_refusals_are_retried_with_backoff_and_every_attempt_logged(wired, smtp, viewer):
    to = _addr()
    smtp.fail_next = 2
    assert flows.on_notification_requested(_alert_request(to)) == ["sent"]
    assert len(smtp.to(to)) == 1
    rows = sorted(_log(viewer, recipient=to), key=lambda r: r["attempt"])
    assert [(r["attempt"], r["status"]) for r in rows] == [(1, "failed"), (2, "failed"), (3, "sent")]
    assert "451" in rows[0]["error"]


def test_a_permanent_smtp_error_is_not_retried(wired, smtp, viewer):
    to = _addr()
    smtp.fail_next, smtp.fail_code = 1, 550
    try:
        assert flows.on_notification_requested(_alert_request(to)) == ["failed"]
    finally:
        smtp.fail_code = 451
    rows = _log(viewer, recipient=to)
    assert [(r["attempt"], r["status"]) for r in rows] == [(1, "failed")]
    assert smtp.to(to) == []


def test_sms_goes_to_the_middleware_signed_and_a_callback_marks_it_delivered(wired, middleware, client, viewer):
    phone = f"+49151{uuid.uuid4().int % 10**7:07d}"
    assert flows.on_notification_requested(_alert_request(phone, channel="sms")) == ["sent"]
    call = next(c for c in middleware.calls if c["body"]["to"] == phone)
    # THEN the contract v1 body arrived, signed, with the idempotency key
    body = call["body"]
    assert call["path"] == "/v1/sms" and body["version"] == "1" and body["channel"] == "sms"
    assert body["text"].startswith("[CRITICAL] Orders dropped triggered on ORDERS")
    assert call["headers"][signing.IDEMPOTENCY_HEADER] == body["idempotencyKey"]
    assert body["callbackUrl"] == "https://vigil.example.com/api/v1/notifications/callbacks/middleware"
    assert middleware.rejected == 0
    row = _log(viewer, recipient=phone)[0]
    assert row["status"] == "sent" and row["provider"] == "middleware"

    # WHEN the middleware calls back with a wrong signature, THEN 401 and nothing changes
    raw = json.dumps({"version": "1", "messageId": call["messageId"], "status": "delivered"}).encode()
    bad = signing.sign("not-the-secret", raw)
    assert client.request("POST", "/api/v1/notifications/callbacks/middleware", data=raw, headers=bad).status == 401
    assert _log(viewer, recipient=phone)[0]["status"] == "sent"
    # WHEN it calls back correctly signed, THEN the attempt is delivered
    res = client.request("POST", "/api/v1/notifications/callbacks/middleware", data=raw,
                         headers=signing.sign(middleware.secret, raw))
    assert res.status == 200 and res.body == {"updated": 1}
    row = _log(viewer, recipient=phone)[0]
    assert row["status"] == "delivered" and row["deliveredAt"]


def test_middleware_outage_is_retried_then_logged_failed(wired, middleware, viewer):
    phone = f"+49152{uuid.uuid4().int % 10**7:07d}"
    middleware.fail_next = 5
    assert flows.on_notification_requested(_alert_request(phone, channel="ivr")) == ["failed"]
    rows = sorted(_log(viewer, recipient=phone), key=lambda r: r["attempt"])
    assert [(r["attempt"], r["status"], r["channel"]) for r in rows] == [
        (1, "failed", "ivr"), (2, "failed", "ivr"), (3, "failed", "ivr")]
    assert "503" in rows[-1]["error"]
    assert _log(viewer, recipient=phone, status="failed", channel="ivr")  # the filters find them


def test_polling_picks_up_delivery_from_the_middleware(wired, middleware, viewer, db):
    phone = f"+49153{uuid.uuid4().int % 10**7:07d}"
    flows.on_notification_requested(_alert_request(phone, channel="sms"))
    call = next(c for c in middleware.calls if c["body"]["to"] == phone)
    middleware.statuses[call["messageId"]] = "delivered"
    assert status.poll(db, older_than_seconds=0) >= 1
    assert _log(viewer, recipient=phone)[0]["status"] == "delivered"


def test_targets_honour_per_channel_preferences(wired, smtp, middleware, operator):
    ann, bob_phone = _addr(), f"+49154{uuid.uuid4().int % 10**7:07d}"
    group = operator.post(GROUPS, {"name": f"g-{uuid.uuid4().hex[:6]}", "members": [
        {"name": "Ann", "email": ann}, {"name": "Bob", "phone": bob_phone, "email": "bob-never@example.com",
                                        "channels": ["sms"]}]}).body
    envelope = make("notification.requested", {"channel": "email", "template": "manual",
                                               "targets": [{"contactGroupId": group["id"]}],
                                               "context": {"subject": "Hello", "message": "group mail"}})
    assert flows.on_notification_requested(envelope) == ["sent"]
    assert smtp.to(ann)[0]["Subject"] == "Hello"
    assert smtp.to("bob-never@example.com") == []


def test_a_step_of_an_acknowledged_escalation_is_not_sent(wired, smtp, db):
    alert_id = str(uuid.uuid4())
    escalation.stop(db, subject_type=SubjectType.ALERT, subject_id=alert_id,
                    status=EscalationStatus.ACKNOWLEDGED, actor="ann")
    to = _addr()
    esc = {"escalationId": escalation.escalation_id(SubjectType.ALERT, alert_id), "level": 2,
           "subjectType": "alert", "subjectId": alert_id}
    assert flows.on_notification_requested(_alert_request(to, escalation=esc)) == []
    assert smtp.to(to) == []


def test_the_new_assignee_is_told(wired, smtp, admin):
    to = _addr()
    username = f"assignee-{uuid.uuid4().hex[:6]}"
    assert admin.post("/api/v1/admin/users", {"username": username, "password": "long-enough-1",
                                              "role": "OPERATOR", "email": to}).status == 201
    incident_id = str(uuid.uuid4())
    flows.on_incident_updated(make("incident.updated", {
        "incidentId": incident_id, "changes": {"assignee": {"from": None, "to": username}}, "actor": "ann"}))
    mail = smtp.wait_for(to)[0]
    assert str(mail["Subject"]).strip().startswith("Incident assigned to you")
    assert f"https://vigil.example.com/incidents/{incident_id}" in mail.get_body(("plain",)).get_content()


def test_those_paged_for_an_incident_hear_it_is_resolved(wired, smtp, db):
    to, incident_id = _addr(), str(uuid.uuid4())
    esc_id = escalation.escalation_id(SubjectType.INCIDENT, incident_id)
    with db.session() as s:
        repo.lock_or_create_escalation(s, escalation_id=esc_id, subject_type="incident", subject_id=incident_id,
                                       status="RUNNING")
    page = make("notification.requested", {
        "channel": "email", "template": "incident-created", "recipient": to,
        "context": {"title": "Checkout down", "severity": "HIGH", "status": "NEW", "link": "L"},
        "escalation": {"escalationId": esc_id, "level": 1, "subjectType": "incident", "subjectId": incident_id}})
    assert flows.on_notification_requested(page) == ["sent"]
    flows.on_incident_updated(make("incident.updated", {
        "incidentId": incident_id, "actor": "ann", "title": "Checkout down", "status": "RESOLVED",
        "changes": {"status": {"from": "INVESTIGATING", "to": "RESOLVED"}, "note": "rolled back"}}))
    subjects = [str(m["Subject"]).strip() for m in smtp.to(to)]
    assert subjects[-1] == "Incident resolved: Checkout down"
    assert "by ann" in smtp.to(to)[-1].get_body(("plain",)).get_content()
    assert "rolled back" in smtp.to(to)[-1].get_body(("plain",)).get_content()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login_is_used_and_a_wrong_password_is_not_retried(services, middleware, viewer):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult
    from pydantic import SecretStr

    from vigil.local.embedded import free_port

    inbox = SmtpDouble()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"vigil" and auth_data.password == b"right-password"
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

    inbox.controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                                  auth_require_tls=False, auth_required=True)
    inbox.controller.start()
    try:
        for password, expected in (("right-password", ["sent"]), ("wrong", ["failed"])):
            to = _addr()
            settings = notification_settings(inbox, middleware, smtp_username="vigil",
                                             smtp_password=SecretStr(password))
            with configured(settings):
                assert flows.on_notification_requested(_alert_request(to)) == expected
            rows = _log(viewer, recipient=to)
            assert len(rows) == 1  # a rejected login is permanent: one attempt only
            assert len(inbox.to(to)) == (1 if expected == ["sent"] else 0)
    finally:
        inbox.stop()


def test_a_step_of_an_unknown_escalation_is_poison(wired, smtp):
    to = _addr()
    esc = {"escalationId": str(uuid.uuid4()), "level": 1, "subjectType": "alert", "subjectId": "x"}
    with pytest.raises(errors.PoisonMessage):
        flows.on_notification_requested(_alert_request(to, escalation=esc))
    assert smtp.to(to) == []


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_over_starttls_or_implicit_tls_with_a_verified_certificate(security, services, middleware,
                                                                             viewer, tmp_path):
    import ssl

    from aiosmtpd.controller import Controller

    from tests.support.notification_doubles import self_signed_cert
    from vigil.local.embedded import free_port

    cert, key = self_signed_cert(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    inbox = SmtpDouble()
    options = ({"tls_context": server_tls, "require_starttls": True} if security == "starttls"
               else {"ssl_context": server_tls})
    inbox.controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **options)
    inbox.controller.start()
    try:
        to, stranger = _addr(), _addr()
        with configured(notification_settings(inbox, middleware, smtp_security=security, smtp_ca_file=str(cert))):
            assert flows.on_notification_requested(_alert_request(to)) == ["sent"]
        assert len(inbox.to(to)) == 1
        # without trusting the CA the certificate is refused: nothing goes out in clear
        with configured(notification_settings(inbox, middleware, smtp_security=security, notify_max_attempts=1)):
            assert flows.on_notification_requested(_alert_request(stranger)) == ["failed"]
        assert inbox.to(stranger) == []
        assert "CERTIFICATE_VERIFY_FAILED" in _log(viewer, recipient=stranger)[0]["error"]
    finally:
        inbox.stop()


def test_acknowledging_an_incident_stops_the_ladders_of_its_alerts(wired, db):
    incident_id, alert_ids = str(uuid.uuid4()), [str(uuid.uuid4()), str(uuid.uuid4())]
    esc_id = escalation.escalation_id
    with db.session() as s:
        row = repo.lock_or_create_escalation(s, escalation_id=esc_id(SubjectType.INCIDENT, incident_id),
                                             subject_type="incident", subject_id=incident_id, status="NO_POLICY")
        repo.update_escalation(s, row["id"], {"context": {"title": "t", "alertIds": alert_ids}})
        repo.lock_or_create_escalation(s, escalation_id=esc_id(SubjectType.ALERT, alert_ids[0]),
                                       subject_type="alert", subject_id=alert_ids[0], status="RUNNING")
    flows.on_incident_updated(make("incident.updated", {
        "incidentId": incident_id, "actor": "ann", "changes": {"status": {"from": "NEW", "to": "INVESTIGATING"}}}))
    for alert_id in alert_ids:  # the running one stops, the one not yet started never will
        state = escalation.status_of(db, escalation=esc_id(SubjectType.ALERT, alert_id))
        assert state is EscalationStatus.ACKNOWLEDGED


def test_webhook_members_get_a_signed_post(services, smtp, middleware, operator):
    hook = f"{middleware.url}/hooks/{uuid.uuid4().hex[:6]}"
    group = operator.post(GROUPS, {"name": f"hooks-{uuid.uuid4().hex[:6]}", "members": [
        {"name": "chatops", "webhookUrl": hook}]}).body
    settings = notification_settings(smtp, middleware, webhook_secret=SecretStr(middleware.secret))
    with configured(settings):
        envelope = make("notification.requested", {"channel": "webhook", "template": "manual",
                                                   "targets": [{"contactGroupId": group["id"]}],
                                                   "context": {"subject": "Deploy", "message": "v2 is out"}})
        assert flows.on_notification_requested(envelope) == ["delivered"]
    call = next(c for c in middleware.calls if c["path"] == hook.removeprefix(middleware.url))
    assert call["body"]["subject"] == "Deploy" and call["body"]["text"] == "Deploy: v2 is out"
    assert middleware.rejected == 0  # the double verified our signature
