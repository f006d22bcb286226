"""Jira → incident: signed webhooks for issue updates (status, assignee) and new comments.

Echoes of our own pushes are dropped: a change made by our integration account, a status or
assignee equal to what we last pushed or to what the incident already has, a comment we wrote
(recorded id or our marker). Changes applied here reach the incident with origin "jira", so the
incident.updated they cause is not pushed back either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from vigil import errors
from vigil.db import Row
from vigil.integrations.jira import adf, mapping
from vigil.integrations.jira import repository as repo
from vigil.integrations.jira.exceptions import BadSignature
from vigil.integrations.jira.schemas import WebhookAck
from vigil.integrations.jira.sync import COMMENT_MARKER, Flow
from vigil.logging import get_logger

log = get_logger(__name__)

SIGNATURE_PREFIX = "sha256="


def sign(secret: str, body: bytes) -> str:
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> None:
    """Constant-time check of `X-Hub-Signature: sha256=<hex>`; raises BadSignature."""
    if not header:
        raise BadSignature("the X-Hub-Signature header is missing")
    if not hmac.compare_digest(sign(secret, body).encode(), header.strip().encode()):
        raise BadSignature("the X-Hub-Signature does not match the body")


def parse(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.ValidationFailed(f"the webhook body is not JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("issue"), dict):
        raise errors.ValidationFailed("the webhook body has no issue",
                                      details=[{"field": "body.issue", "message": "required"}])
    return data


def handle(flow: Flow, data: dict[str, Any]) -> WebhookAck:
    event = str(data.get("webhookEvent") or "")
    issue = data["issue"]
    key = str(issue.get("key") or "")
    with flow.db.session() as s:
        row = repo.get_mapping_by_key(s, key) if key else None
    if row is None:
        log.info("webhook for an issue we do not track", extra={"jiraKey": key, "event": event})
        return WebhookAck(outcome="unknown_issue", detail=f"no incident is linked to {key or 'this issue'}")
    if event == "comment_created":
        return _comment(flow, row, data)
    if event in ("jira:issue_updated", "issue_updated"):
        return _issue_updated(flow, row, data)
    return WebhookAck(outcome="ignored", detail=f"event {event!r} is not handled")


def _actor(flow: Flow, user: dict[str, Any] | None) -> tuple[str | None, str]:
    account = flow.client.account_id(user)
    name = str((user or {}).get("displayName") or account or "someone")
    return account, f"jira:{name}"


def _ours(flow: Flow, account: str | None) -> bool:
    return bool(account) and account == flow.cfg.integration_account


def _issue_updated(flow: Flow, row: Row, data: dict[str, Any]) -> WebhookAck:
    incident_id, key = row["incident_id"], row["jira_key"]
    account, actor = _actor(flow, data.get("user"))
    if _ours(flow, account):
        return WebhookAck(outcome="echo", detail="change made by the integration account")
    changed = {str(i.get("field", "")).lower() for i in (data.get("changelog") or {}).get("items") or []}
    fields = data["issue"].get("fields") or {}
    state = flow.incidents.state(incident_id)
    if state is None:
        return WebhookAck(outcome="unknown_incident", detail=f"incident {incident_id} no longer exists")
    applied: list[str] = []
    refused: list[str] = []
    if not changed or "status" in changed:
        jira_status = (fields.get("status") or {}).get("name")
        ours = mapping.our_status(flow.cfg, jira_status)
        echo = (jira_status or "").casefold() == (row["pushed_status"] or "").casefold()
        if ours and ours != state.status and not echo:
            try:
                flow.incidents.change_status(incident_id, status=ours, actor=actor,
                                             note=f"Moved to {jira_status} in Jira ({key}) by {actor[5:]}")
                applied.append(f"status={ours}")
            except (errors.Conflict, errors.ValidationFailed) as exc:
                log.warning("Jira status not applicable to the incident",
                            extra={"jiraKey": key, "incidentId": incident_id, "error": str(exc)})
                refused.append(exc.message)
        with flow.db.session() as s:
            repo.set_jira_state(s, incident_id=incident_id, fields={"pushed_status": jira_status})
    if not changed or "assignee" in changed:
        jira_account = flow.client.account_id(fields.get("assignee"))
        username = mapping.our_user(flow.cfg, jira_account)
        if jira_account and username is None:
            log.info("Jira assignee has no Vigil user in the user map", extra={"jiraKey": key})
        elif username != state.assignee and jira_account != row["pushed_assignee"]:
            flow.incidents.assign(incident_id, assignee=username, actor=actor)
            applied.append(f"assignee={username}")
        with flow.db.session() as s:
            repo.set_jira_state(s, incident_id=incident_id, fields={"pushed_assignee": jira_account})
    if refused and not applied:
        return WebhookAck(outcome="not_applicable", detail="; ".join(refused))
    if not applied:
        return WebhookAck(outcome="no_change", detail="the incident already matches the issue")
    return WebhookAck(outcome="applied", detail=", ".join(applied))


def _comment(flow: Flow, row: Row, data: dict[str, Any]) -> WebhookAck:
    comment = data.get("comment") or {}
    comment_id = str(comment.get("id") or "")
    key, incident_id = row["jira_key"], row["incident_id"]
    text = adf.plain_text(comment.get("body")).strip()
    account, actor = _actor(flow, comment.get("author"))
    if not comment_id or not text:
        return WebhookAck(outcome="ignored", detail="comment without id or text")
    if _ours(flow, account) or text.endswith(COMMENT_MARKER):
        return WebhookAck(outcome="echo", detail="comment written by Vigil")
    with flow.db.session() as s:
        fresh = repo.remember_comment(s, jira_key=key, comment_id=comment_id, incident_id=incident_id,
                                      direction="IN")
    if not fresh:
        return WebhookAck(outcome="echo", detail="comment already known")
    try:
        flow.incidents.add_note(incident_id, text=f"{actor[5:]} commented in Jira ({key}): {text}", actor=actor)
    except BaseException:
        # forget the comment again so that Jira's redelivery of the webhook retries it
        with flow.db.session() as s:
            repo.forget_comment(s, jira_key=key, comment_id=comment_id)
        raise
    return WebhookAck(outcome="applied", detail="comment added as a note")
