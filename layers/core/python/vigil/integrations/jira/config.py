"""The stored Jira configuration: secrets encrypted at rest, decrypted only to call Jira or to
verify a webhook, masked in every response and never logged."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vigil import crypto, errors
from vigil.db import Row, Session
from vigil.integrations.jira import repository as repo
from vigil.integrations.jira.exceptions import JiraNotConfigured
from vigil.integrations.jira.schemas import MASK, DeploymentType, JiraConfigIn, JiraConfigOut

API_TOKEN = crypto.register("jira_config", "id", "api_token_enc")
PAT = crypto.register("jira_config", "id", "pat_enc")
WEBHOOK_SECRET = crypto.register("jira_config", "id", "webhook_secret_enc")


@dataclass(frozen=True)
class JiraConfig:
    """Decrypted configuration, what the client and the flows work with."""

    base_url: str
    deployment_type: DeploymentType
    project_key: str
    issue_type: str
    webhook_secret: str = field(repr=False)
    email: str | None = None
    api_token: str | None = field(default=None, repr=False)
    personal_access_token: str | None = field(default=None, repr=False)
    priority_map: dict[str, str] = field(default_factory=dict)
    status_to_jira: dict[str, str] = field(default_factory=dict)
    status_from_jira: dict[str, str] = field(default_factory=dict)
    user_map: dict[str, str] = field(default_factory=dict)
    integration_account: str | None = None

    @property
    def cloud(self) -> bool:
        return self.deployment_type is DeploymentType.CLOUD

    @property
    def api_version(self) -> str:
        return "3" if self.cloud else "2"

    @property
    def secrets(self) -> list[str]:
        """Every secret value, so logs can scrub them wherever they appear."""
        return [s for s in (self.api_token, self.personal_access_token, self.webhook_secret) if s]

    def browse_url(self, key: str) -> str:
        return f"{self.base_url}/browse/{key}"


def _decrypt(value: str | None, column: crypto.EncryptedColumn) -> str | None:
    return None if value is None else crypto.decrypt(value, context=column.context)


def from_row(row: Row) -> JiraConfig:
    status_map = row["status_map"] or {}
    return JiraConfig(
        base_url=row["base_url"],
        deployment_type=DeploymentType(row["deployment_type"]),
        project_key=row["project_key"],
        issue_type=row["issue_type"],
        webhook_secret=_decrypt(row["webhook_secret_enc"], WEBHOOK_SECRET) or "",
        email=row["email"],
        api_token=_decrypt(row["api_token_enc"], API_TOKEN),
        personal_access_token=_decrypt(row["pat_enc"], PAT),
        priority_map=dict(row["priority_map"] or {}),
        status_to_jira=dict(status_map.get("toJira") or {}),
        status_from_jira=dict(status_map.get("fromJira") or {}),
        user_map=dict(row["user_map"] or {}),
        integration_account=row["integration_account"],
    )


def load(s: Session) -> JiraConfig:
    row = repo.get_config(s)
    if row is None:
        raise JiraNotConfigured("Jira is not configured: PUT /api/v1/integrations/jira/config first")
    return from_row(row)


def masked(row: Row) -> JiraConfigOut:
    status_map = row["status_map"] or {}
    return JiraConfigOut(
        base_url=row["base_url"],
        deployment_type=DeploymentType(row["deployment_type"]),
        email=row["email"],
        api_token=MASK if row["api_token_enc"] else None,
        personal_access_token=MASK if row["pat_enc"] else None,
        project_key=row["project_key"],
        issue_type=row["issue_type"],
        priority_map=row["priority_map"] or {},
        status_map={"toJira": status_map.get("toJira") or {}, "fromJira": status_map.get("fromJira") or {}},
        user_map=row["user_map"] or {},
        webhook_secret=MASK,
        integration_account=row["integration_account"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
    )


def _secret(new: str | None, stored: str | None, column: crypto.EncryptedColumn) -> str | None:
    """Encrypt a new secret; None or "***" keeps the stored ciphertext."""
    if new is None or new == MASK:
        return stored
    return crypto.encrypt(new, context=column.context)


def to_fields(body: JiraConfigIn, existing: Row | None) -> dict[str, Any]:
    """Column values for a PUT, checking that the deployment type has its credentials."""
    old = existing or {}
    cloud = body.deployment_type is DeploymentType.CLOUD
    fields: dict[str, Any] = {
        "base_url": body.base_url,
        "deployment_type": body.deployment_type.value,
        "email": body.email if cloud else None,
        "api_token_enc": _secret(body.api_token, old.get("api_token_enc"), API_TOKEN) if cloud else None,
        "pat_enc": None if cloud else _secret(body.personal_access_token, old.get("pat_enc"), PAT),
        "project_key": body.project_key,
        "issue_type": body.issue_type,
        "priority_map": body.priority_map,
        "status_map": {"toJira": body.status_map.to_jira, "fromJira": body.status_map.from_jira},
        "user_map": body.user_map,
        "webhook_secret_enc": _secret(body.webhook_secret, old.get("webhook_secret_enc"), WEBHOOK_SECRET),
    }
    missing = []
    if cloud and not fields["email"]:
        missing.append(("body.email", "required for a CLOUD deployment"))
    if cloud and not fields["api_token_enc"]:
        missing.append(("body.apiToken", "required for a CLOUD deployment"))
    if not cloud and not fields["pat_enc"]:
        missing.append(("body.personalAccessToken", "required for a DATA_CENTER deployment"))
    if not fields["webhook_secret_enc"]:
        missing.append(("body.webhookSecret", "required"))
    if missing:
        raise errors.ValidationFailed(
            "the Jira configuration is incomplete",
            details=[{"field": f, "message": m} for f, m in missing],
        )
    return fields
