"""Our values ↔ Jira values, pure functions over the configuration: the issue built from an
incident, priorities, statuses (through the transitions an issue offers), users."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vigil.integrations.jira import adf
from vigil.integrations.jira.config import JiraConfig
from vigil.integrations.jira.exceptions import NoTransition

LABEL_PREFIX = "vigil-incident-"
MAX_SUMMARY = 255  # Jira's limit on an issue summary


@dataclass(frozen=True)
class TicketSource:
    """What an issue is made from: an incident as the event or the incidents service tells it."""

    incident_id: str
    title: str
    severity: str
    status: str = "NEW"
    assignee: str | None = None
    description: str = ""
    number: int | None = None
    url: str | None = None
    alerts: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TicketSource:
        return cls(
            incident_id=str(data["incident_id"]), title=str(data.get("title") or "Incident"),
            severity=str(data.get("severity") or "WARNING"), status=str(data.get("status") or "NEW"),
            assignee=data.get("assignee"), description=str(data.get("description") or ""),
            number=data.get("number"), url=data.get("url"), alerts=tuple(data.get("alerts") or ()),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"incident_id": self.incident_id, "title": self.title, "severity": self.severity,
                "status": self.status, "assignee": self.assignee, "description": self.description,
                "number": self.number, "url": self.url, "alerts": list(self.alerts)}


def label(incident_id: str) -> str:
    """The label carrying our incident id: how we find an issue we created but did not record."""
    return f"{LABEL_PREFIX}{incident_id}"


def incident_key(source: TicketSource) -> str:
    return f"INC-{source.number}" if source.number is not None else source.incident_id[:8]


def description(source: TicketSource, link: str) -> list[adf.Block]:
    blocks: list[adf.Block] = [adf.Paragraph(source.description)] if source.description else []
    blocks.append(adf.Paragraph(f"Severity: {source.severity} · Status: {source.status}"))
    if source.alerts:
        blocks.append(adf.Paragraph(f"Alerts ({len(source.alerts)}):"))
        blocks.append(adf.Bullets(source.alerts[:50]))
    blocks.append(adf.Link(f"Open {incident_key(source)} in Vigil", link))
    return blocks


def issue_fields(cfg: JiraConfig, source: TicketSource, link: str) -> dict[str, Any]:
    summary = f"[{incident_key(source)}] {source.title}"[:MAX_SUMMARY]
    fields: dict[str, Any] = {
        "project": {"key": cfg.project_key},
        "issuetype": {"name": cfg.issue_type},
        "summary": summary,
        "description": adf.render(description(source, link), cloud=cfg.cloud),
        "labels": ["vigil", label(source.incident_id), incident_key(source).lower()],
    }
    priority = cfg.priority_map.get(source.severity)
    if priority:
        fields["priority"] = {"name": priority}
    account = jira_user(cfg, source.assignee)
    if account:
        fields["assignee"] = {"accountId": account} if cfg.cloud else {"name": account}
    return fields


def jira_user(cfg: JiraConfig, username: str | None) -> str | None:
    return cfg.user_map.get(username) if username else None


def our_user(cfg: JiraConfig, account: str | None) -> str | None:
    if not account:
        return None
    return next((ours for ours, theirs in cfg.user_map.items() if theirs == account), None)


def jira_status(cfg: JiraConfig, status: str) -> str | None:
    return cfg.status_to_jira.get(status)


def our_status(cfg: JiraConfig, jira_status_name: str | None) -> str | None:
    if not jira_status_name:
        return None
    wanted = jira_status_name.casefold()
    return next((ours for theirs, ours in cfg.status_from_jira.items() if theirs.casefold() == wanted), None)


def pick_transition(transitions: list[dict[str, Any]], target: str, *, current: str | None = None) -> str:
    """The id of the transition leading to the Jira status `target`."""
    wanted = target.casefold()
    for t in transitions:
        if str((t.get("to") or {}).get("name", "")).casefold() == wanted:
            return str(t["id"])
    for t in transitions:  # some workflows name the transition after its target only
        if str(t.get("name", "")).casefold() == wanted:
            return str(t["id"])
    offered = sorted({str((t.get("to") or {}).get("name", t.get("name"))) for t in transitions})
    raise NoTransition(
        f"the issue's workflow offers no transition from {current or 'its status'} to {target!r}; "
        f"available: {offered or 'none'}"
    )
