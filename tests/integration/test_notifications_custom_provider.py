"""The documented example package (examples/sms_provider) plugged in by entry point only:
an SMS goes through it to a real HTTP server standing in for the Acme gateway, and its
status is polled back into the delivery log."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.notification_doubles import configured, expose_example_provider
from vigil.events.catalog import make
from vigil.notifications import flows, status
from vigil.settings import get_settings


@pytest.fixture
def acme(services, tmp_path, monkeypatch):
    received: list[dict] = []
    states: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _reply(self, code: int, body: dict) -> None:
            raw = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self):  # noqa: N802
            if self.headers.get("Authorization") != "Bearer acme-key":
                return self._reply(401, {})
            data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            message_id = f"acme-{len(received) + 1}"
            received.append(data)
            states[message_id] = "accepted"
            self._reply(201, {"id": message_id, "state": "accepted"})

        def do_GET(self):  # noqa: N802
            message_id = self.path.rsplit("/", 1)[-1]
            self._reply(200, {"id": message_id, "state": states.get(message_id, "undeliverable")})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    expose_example_provider(tmp_path, monkeypatch)
    monkeypatch.setenv("ACME_API_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("ACME_API_KEY", "acme-key")
    with configured(get_settings().model_copy(update={"notify_sms_provider": "acme"})):
        yield received, states
    server.shutdown()
    server.server_close()


def test_an_sms_goes_out_through_the_customer_provider(acme, viewer, db):
    received, states = acme
    phone = f"+49170{uuid.uuid4().int % 10**7:07d}"
    envelope = make("notification.requested", {"channel": "sms", "template": "manual", "recipient": phone,
                                               "context": {"subject": "Disk full", "message": "db-1 at 97%"}})
    assert flows.on_notification_requested(envelope) == ["sent"]
    assert received[-1]["to"] == phone and received[-1]["body"] == "Disk full: db-1 at 97%"
    assert received[-1]["kind"] == "sms" and len(received[-1]["reference"]) == 64  # our idempotency key
    row = viewer.get("/api/v1/notifications/log", query={"recipient": phone}).body["items"][0]
    assert (row["provider"], row["status"]) == ("acme", "sent")

    states[f"acme-{len(received)}"] = "delivered"
    assert status.poll(db, older_than_seconds=0) >= 1
    row = viewer.get("/api/v1/notifications/log", query={"recipient": phone}).body["items"][0]
    assert row["status"] == "delivered"
