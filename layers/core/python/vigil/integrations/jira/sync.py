"""Incident → Jira: create the issue exactly once, then keep its status, assignee and comments in
step with the incident.

Creating once, even under redelivery, concurrent workers, or a crash between Jira's answer and
our write: the mapping row (the guard) exists before Jira is called; a claim lease lets one
worker create at a time; and before creating, Jira is searched for an issue already carrying
the incident's label, which is adopted instead of creating a second one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from vigil import errors
from vigil.db import Database, Row
from vigil.integrations.jira import adf, mapping
from vigil.integrations.jira import repository as repo
from vigil.integrations.jira.client import JiraClient
from vigil.integrations.jira.config import JiraConfig
from vigil.integrations.jira.exceptions import JiraUnavailable
from vigil.integrations.jira.mapping import TicketSource
from vigil.integrations.jira.ports import IncidentsPort
from vigil.logging import get_logger

log = get_logger(__name__)

# Our comments end with this marker: a webhook carrying it is our own echo, even if we never
# got to record the comment's id.
COMMENT_MARKER = "(via Vigil)"


@dataclass(frozen=True)
class Flow:
    """Everything one sync needs, built per message by the service."""

    db: Database
    cfg: JiraConfig
    client: JiraClient
    incidents: IncidentsPort
    public_base_url: str

    def link(self, incident_id: str) -> str:
        return f"{self.public_base_url.rstrip('/')}/incidents/{incident_id}"


def ensure_issue(flow: Flow, source: TicketSource) -> Row:
    """The mapping with its Jira key, creating (or adopting) the issue when there is none."""
    incident_id = source.incident_id
    with flow.db.session() as s:
        repo.ensure_mapping(s, incident_id=incident_id, label=mapping.label(incident_id), source=source.to_dict())
        row = repo.get_mapping(s, incident_id)
    assert row is not None
    if row["jira_key"]:
        return row
    token = str(uuid.uuid4())
    with flow.db.session() as s:
        claimed = repo.claim(s, incident_id=incident_id, token=token)
        current = claimed or repo.get_mapping(s, incident_id)
    assert current is not None
    if claimed is None:
        if current["jira_key"]:
            return current
        raise errors.InProgress(f"another worker is creating the Jira issue of incident {incident_id}")
    client = flow.client.for_incident(incident_id)
    try:
        issue, adopted = _find_or_create(flow, client, source)
        key, status = str(issue["key"]), _status_name(issue) if adopted else None
        with flow.db.session() as s:
            repo.record_created(
                s, incident_id=incident_id, jira_key=key, jira_id=str(issue.get("id", "")),
                jira_url=flow.cfg.browse_url(key), pushed_status=status,
                pushed_assignee=mapping.jira_user(flow.cfg, source.assignee),
            )
            row = repo.get_mapping(s, incident_id)
    except BaseException as exc:
        with flow.db.session() as s:
            repo.release(s, incident_id=incident_id, token=token, error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    assert row is not None
    log.info("Jira issue linked", extra={"incidentId": incident_id, "jiraKey": key, "adopted": adopted})
    return row


def _find_or_create(flow: Flow, client: JiraClient, source: TicketSource) -> tuple[dict[str, Any], bool]:
    """(issue, adopted). An issue already carrying the incident's label is adopted; a create
    that timed out or got a 5xx may have happened, so Jira is searched again before retrying."""
    policy = client.policy
    for attempt in range(1, policy.max_attempts + 1):
        found = client.search_by_label(mapping.label(source.incident_id))
        if found:
            return found[0], True
        try:
            return client.create_issue(mapping.issue_fields(flow.cfg, source, flow.link(source.incident_id))), False
        except JiraUnavailable:
            if attempt >= policy.max_attempts:
                raise
            client.sleep(policy.delay(attempt))
    raise AssertionError("unreachable: the last attempt returns or raises")


def on_created(flow: Flow, source: TicketSource) -> Row:
    row = ensure_issue(flow, source)
    flow.incidents.set_external_ticket(source.incident_id, key=row["jira_key"], url=row["jira_url"])
    if source.status != "NEW":  # a late or manual sync: bring the new issue up to date
        row = push_state(flow, row, status=source.status, assignee=source.assignee)
    return row


def on_updated(flow: Flow, *, incident_id: str, changes: dict[str, Any], event_id: str,
               actor: str | None) -> None:
    with flow.db.session() as s:
        row = repo.get_mapping(s, incident_id)
    if row is None or not row["jira_key"]:
        source = flow.incidents.snapshot(incident_id)
        if source is None:
            raise errors.PoisonMessage(f"incident {incident_id} does not exist")
        row = on_created(flow, source)  # carries the current status and assignee
    else:
        status = _to(changes.get("status"))
        assignee_changed = "assignee" in changes
        if status is not None or assignee_changed:
            row = push_state(flow, row, status=status,
                             assignee=_to(changes.get("assignee")) if assignee_changed else _KEEP)
    note = _note_text(changes.get("note"))
    if note:
        push_comment(flow, row, text=note, ref=f"{event_id}:note", author=actor)


_KEEP: Any = object()  # leave the assignee alone


def push_state(flow: Flow, row: Row, *, status: str | None, assignee: Any = _KEEP) -> Row:
    """Move the issue to the mapped status and assignee; safe to repeat."""
    key, incident_id = row["jira_key"], row["incident_id"]
    client = flow.client.for_incident(incident_id)
    pushed: dict[str, str | None] = {}
    try:
        target = _target(flow, status) if status else None
        if target:
            issue = client.get_issue(key)
            current = _status_name(issue)
            if (current or "").casefold() != target.casefold():
                client.transition(key, mapping.pick_transition(client.transitions(key), target, current=current))
            pushed["pushed_status"] = target
        if assignee is not _KEEP:
            account = mapping.jira_user(flow.cfg, assignee)
            client.assign(key, account)
            pushed["pushed_assignee"] = account
    except errors.VigilError as exc:
        with flow.db.session() as s:
            repo.mark_failed(s, incident_id=incident_id, error=f"{type(exc).__name__}: {exc}")
        raise
    with flow.db.session() as s:
        repo.mark_synced(s, incident_id=incident_id, pushed=pushed)
        fresh = repo.get_mapping(s, incident_id)
    assert fresh is not None
    return fresh


def push_comment(flow: Flow, row: Row, *, text: str, ref: str, author: str | None) -> None:
    key, incident_id = row["jira_key"], row["incident_id"]
    with flow.db.session() as s:
        if repo.comment_known(s, jira_key=key, comment_id=f"ref:{ref}"):
            return  # this note was pushed by an earlier delivery
    lines = [f"{author} wrote in Vigil:" if author else "Note from Vigil:", text, COMMENT_MARKER]
    body = adf.render([adf.Paragraph(line) for line in lines], cloud=flow.cfg.cloud)
    comment = flow.client.for_incident(incident_id).add_comment(key, body)
    with flow.db.session() as s:
        repo.remember_comment(s, jira_key=key, comment_id=str(comment.get("id")), incident_id=incident_id,
                              direction="OUT")
        repo.remember_comment(s, jira_key=key, comment_id=f"ref:{ref}", incident_id=incident_id,
                              direction="OUT")


def _target(flow: Flow, status: str | None) -> str | None:
    return mapping.jira_status(flow.cfg, status) if status else None


def _status_name(issue: dict[str, Any]) -> str | None:
    status = ((issue.get("fields") or {}).get("status") or {}).get("name")
    return None if status is None else str(status)


def _to(change: Any) -> Any:
    """`changes` entries are {"from": old, "to": new}."""
    return change.get("to") if isinstance(change, dict) else change


def _note_text(note: Any) -> str | None:
    if isinstance(note, dict):
        note = note.get("text") or note.get("to")
    return str(note).strip() or None if note else None
