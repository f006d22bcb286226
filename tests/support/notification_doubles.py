"""Real stand-ins for the notification tests: an aiosmtpd SMTP server and an HTTP server
playing the owner's SMS/IVR middleware (checks the HMAC signature, records calls, fails on
demand, answers status polls, de-duplicates by idempotency key)."""

from __future__ import annotations

import email
import email.policy
import json
import threading
import time
import tomllib
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from pydantic import SecretStr

from vigil import settings as settings_mod
from vigil.local.embedded import free_port
from vigil.notifications import signing
from vigil.settings import get_settings

MIDDLEWARE_SECRET = "middleware-test-secret-0123456789"


@dataclass
class SmtpDouble:
    """Collects every accepted message; `fail_next` answers 451 (or `fail_code`) that many times."""

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    fail_next: int = 0
    fail_code: int = 451
    refused: int = 0
    controller: Any = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        if self.fail_next > 0:
            self.fail_next -= 1
            self.refused += 1
            return f"{self.fail_code} test double says no"
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(msg)  # type: ignore[arg-type]
        return "250 OK"

    def start(self) -> SmtpDouble:
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())
        self.controller.start()
        return self

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def stop(self) -> None:
        self.controller.stop()

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def wait_for(self, address: str, count: int = 1, timeout: float = 15) -> list[email.message.EmailMessage]:
        deadline = time.time() + timeout
        while time.time() < deadline and len(self.to(address)) < count:
            time.sleep(0.05)
        return self.to(address)


@dataclass
class MiddlewareDouble:
    secret: str = MIDDLEWARE_SECRET
    calls: list[dict[str, Any]] = field(default_factory=list)
    rejected: int = 0
    fail_next: int = 0
    fail_status: int = 503
    statuses: dict[str, str] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    server: Any = None

    def start(self) -> MiddlewareDouble:
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if not signing.verify(double.secret, dict(self.headers), body):
                    double.rejected += 1
                    return self._reply(401, {"error": "bad signature"})
                if double.fail_next > 0:
                    double.fail_next -= 1
                    return self._reply(double.fail_status, {"error": "down for the test"})
                data = json.loads(body)
                key = self.headers.get(signing.IDEMPOTENCY_HEADER, "")
                if key in double.by_key:  # contract: a replay answers the original message id
                    return self._reply(200, {"messageId": double.by_key[key], "status": "queued"})
                message_id = f"mw-{uuid.uuid4().hex[:12]}"
                double.by_key[key] = message_id
                double.statuses[message_id] = "queued"
                double.calls.append({"path": self.path, "headers": dict(self.headers), "body": data,
                                     "messageId": message_id})
                self._reply(202, {"messageId": message_id, "status": "queued"})

            def do_GET(self) -> None:  # noqa: N802
                if not signing.verify(double.secret, dict(self.headers), b""):
                    return self._reply(401, {"error": "bad signature"})
                message_id = self.path.rsplit("/", 1)[-1]
                if message_id not in double.statuses:
                    return self._reply(404, {"error": "unknown"})
                self._reply(200, {"messageId": message_id, "status": double.statuses[message_id]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def channel_calls(self, channel: str) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["body"].get("channel") == channel]

    def wait_for(self, channel: str, count: int = 1, timeout: float = 15) -> list[dict[str, Any]]:
        deadline = time.time() + timeout
        while time.time() < deadline and len(self.channel_calls(channel)) < count:
            time.sleep(0.05)
        return self.channel_calls(channel)


def notification_settings(smtp: SmtpDouble, middleware: MiddlewareDouble, **more: Any):  # noqa: ANN201
    return get_settings().model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_security": "none",
        "middleware_sms_url": f"{middleware.url}/v1/sms", "middleware_ivr_url": f"{middleware.url}/v1/ivr",
        "middleware_status_url": f"{middleware.url}/v1/status",
        "middleware_secret": SecretStr(middleware.secret),
        "notify_backoff_seconds": 0.05, "public_base_url": "https://vigil.example.com", **more,
    })


@contextmanager
def configured(settings):  # noqa: ANN001, ANN201
    previous = settings_mod.current_override()
    settings_mod.configure(settings)
    try:
        yield settings
    finally:
        settings_mod.configure(previous)


EXAMPLE_DIR = Path(__file__).parents[2] / "examples" / "sms_provider"


def expose_example_provider(tmp: Path, monkeypatch) -> None:  # noqa: ANN001
    """Make examples/sms_provider visible as if pip-installed: its code on sys.path and a
    dist-info whose entry points are read from the example's own pyproject.toml."""
    project = tomllib.loads((EXAMPLE_DIR / "pyproject.toml").read_text())["project"]
    dist = tmp / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
    lines = []
    for group, entries in project["entry-points"].items():
        lines.append(f"[{group}]")
        lines += [f"{name} = {target}" for name, target in entries.items()]
    (dist / "entry_points.txt").write_text("\n".join(lines) + "\n")
    monkeypatch.syspath_prepend(str(tmp))
    monkeypatch.syspath_prepend(str(EXAMPLE_DIR))


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and its key): the SMTP double's TLS identity and, as its
    own CA, what SMTP_CA_FILE points at."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path
