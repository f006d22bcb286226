"""E-mail over SMTP (plain, STARTTLS or implicit TLS; optional login).

SMTP tells us only that the server accepted the message, so `check_status` answers "sent".
5xx replies are permanent failures, everything else (4xx, connection trouble) is retryable.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from pydantic import BaseModel, SecretStr

from vigil.notifications.models import Channel, DeliveryStatus
from vigil.notifications.providers.base import ProviderError, SendRequest, SendResult
from vigil.settings import Settings


class SmtpConfig(BaseModel):
    host: str
    port: int = 25
    security: str = "none"  # none | starttls | tls
    username: str = ""
    password: SecretStr | None = None
    sender: str = "Vigil <vigil@localhost>"
    timeout_seconds: float = 10.0
    ca_file: str = ""  # a private CA for the server's certificate; empty = the system's CAs


class SmtpProvider:
    name = "smtp"
    channels = frozenset({Channel.EMAIL})
    polls_status = False  # SMTP never learns more than "accepted"

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpProvider:
        return cls(SmtpConfig(
            host=settings.smtp_host or "localhost", port=settings.smtp_port,
            security=settings.smtp_security, username=settings.smtp_username,
            password=settings.smtp_password, sender=settings.smtp_from,
            timeout_seconds=settings.smtp_timeout_seconds, ca_file=settings.smtp_ca_file,
        ))

    def _tls(self) -> ssl.SSLContext:
        # Certificates and host names are always verified; a private CA is trusted explicitly.
        return ssl.create_default_context(cafile=self.config.ca_file or None)

    def build_message(self, request: SendRequest) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.config.sender
        msg["To"] = formataddr((request.recipient_name or "", request.recipient))
        msg["Subject"] = request.subject
        domain = self.config.sender.rsplit("@", 1)[-1].strip("> ") or "vigil.local"
        msg["Message-ID"] = make_msgid(domain=domain)
        msg["X-Vigil-Idempotency-Key"] = request.idempotency_key
        msg.set_content(request.text)
        if request.html:
            msg.add_alternative(request.html, subtype="html")
        return msg

    def send(self, request: SendRequest) -> SendResult:
        msg = self.build_message(request)
        cfg = self.config
        try:
            if cfg.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout_seconds,
                                                      context=self._tls())
            else:
                smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout_seconds)
            with smtp:
                if cfg.security == "starttls":
                    smtp.starttls(context=self._tls())
                if cfg.username:
                    smtp.login(cfg.username, cfg.password.get_secret_value() if cfg.password else "")
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise ProviderError(f"the SMTP server refused the recipient: {exc.recipients}",
                                retryable=False) from exc
        except smtplib.SMTPAuthenticationError as exc:
            raise ProviderError(f"SMTP authentication failed ({exc.smtp_code})", retryable=False) from exc
        except smtplib.SMTPResponseException as exc:
            raise ProviderError(f"SMTP error {exc.smtp_code}: {exc.smtp_error!r}",
                                retryable=exc.smtp_code < 500) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise ProviderError(f"SMTP server {cfg.host}:{cfg.port} unavailable: {exc}") from exc
        return SendResult(message_id=str(msg["Message-ID"]), status=DeliveryStatus.SENT)

    def check_status(self, message_id: str) -> DeliveryStatus:
        return DeliveryStatus.SENT
