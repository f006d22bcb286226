"""Contact groups and escalation policies (CRUD with audit rows), manual sends, the delivery log."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from vigil import errors
from vigil.db import Database, Row, Session, UniqueViolation
from vigil.events.catalog import NotificationRequested
from vigil.events.publisher import publish
from vigil.notifications import repository as repo
from vigil.notifications import templates
from vigil.notifications.models import Channel
from vigil.notifications.schemas import (
    E164,
    ContactGroupIn,
    ContactGroupOut,
    EscalationOut,
    EscalationQuery,
    LogEntry,
    LogQuery,
    PolicyIn,
    PolicyOut,
    SendRequestIn,
)

Audit = Callable[..., None]


def group_out(row: Row) -> ContactGroupOut:
    return ContactGroupOut(**row)


def policy_out(row: Row) -> PolicyOut:
    return PolicyOut(**row)


def _members(body: ContactGroupIn) -> list[dict[str, Any]]:
    return [m.model_dump(mode="json", by_alias=True, exclude_none=True) for m in body.members]


def _check_member_users(s: Session, body: ContactGroupIn) -> None:
    ids = [str(m.user_id) for m in body.members if m.user_id]
    known = repo.users_by_ids(s, ids) if ids else {}
    missing = [{"field": f"body.members.{i}.userId", "message": f"no user {m.user_id}"}
               for i, m in enumerate(body.members) if m.user_id and str(m.user_id) not in known]
    if missing:
        raise errors.ValidationFailed("a member refers to a user that does not exist", details=missing)


def create_group(db: Database, *, body: ContactGroupIn, actor: str, audit: Audit) -> ContactGroupOut:
    with db.session() as s:
        _check_member_users(s, body)
        try:
            row = repo.insert_group(s, name=body.name, description=body.description, members=_members(body),
                                    created_by=actor)
        except UniqueViolation as exc:
            raise errors.Conflict(f"a contact group named {body.name!r} already exists") from exc
        out = group_out(row)
        audit(action="contact_group.create", entity_type="contact_group", entity_id=out.id, after=out, session=s)
    return out


def get_group(db: Database, *, group_id: str) -> ContactGroupOut:
    with db.session() as s:
        row = repo.get_group(s, _uuid(group_id, "contact group"))
    if row is None:
        raise errors.NotFound(f"contact group {group_id} not found")
    return group_out(row)


def list_groups(db: Database, *, q: str | None, page: int, size: int) -> tuple[list[ContactGroupOut], int]:
    with db.session() as s:
        rows, total = repo.list_groups(s, q=q, limit=size, offset=page * size)
    return [group_out(r) for r in rows], total


def update_group(db: Database, *, group_id: str, body: ContactGroupIn, audit: Audit) -> ContactGroupOut:
    with db.session() as s:
        before = repo.get_group(s, _uuid(group_id, "contact group"), lock=True)
        if before is None:
            raise errors.NotFound(f"contact group {group_id} not found")
        _check_member_users(s, body)
        try:
            row = repo.update_group(s, group_id, name=body.name, description=body.description,
                                    members=_members(body))
        except UniqueViolation as exc:
            raise errors.Conflict(f"a contact group named {body.name!r} already exists") from exc
        assert row is not None
        out = group_out(row)
        audit(action="contact_group.update", entity_type="contact_group", entity_id=group_id,
              before=group_out(before), after=out, session=s)
    return out


def delete_group(db: Database, *, group_id: str, audit: Audit) -> None:
    with db.session() as s:
        before = repo.get_group(s, _uuid(group_id, "contact group"), lock=True)
        if before is None:
            raise errors.NotFound(f"contact group {group_id} not found")
        users = repo.policies_using_group(s, group_id)
        if users:
            raise errors.Conflict(f"escalation policies use this contact group: {', '.join(users)}")
        repo.delete_group(s, group_id)
        audit(action="contact_group.delete", entity_type="contact_group", entity_id=group_id,
              before=group_out(before), session=s)


# -- escalation policies ------------------------------------------------------------------

def _policy_fields(s: Session, body: PolicyIn) -> dict[str, Any]:
    group_ids = {str(t.contact_group_id) for lv in body.levels for t in lv.targets if t.contact_group_id}
    user_ids = {str(t.user_id) for lv in body.levels for t in lv.targets if t.user_id}
    groups = repo.groups_by_ids(s, sorted(group_ids)) if group_ids else {}
    users = repo.users_by_ids(s, sorted(user_ids)) if user_ids else {}
    missing = []
    for i, level in enumerate(body.levels):
        for j, t in enumerate(level.targets):
            if t.contact_group_id and str(t.contact_group_id) not in groups:
                missing.append({"field": f"body.levels.{i}.targets.{j}.contactGroupId",
                                "message": f"no contact group {t.contact_group_id}"})
            if t.user_id and str(t.user_id) not in users:
                missing.append({"field": f"body.levels.{i}.targets.{j}.userId", "message": f"no user {t.user_id}"})
    if missing:
        raise errors.ValidationFailed("a level targets something that does not exist", details=missing)
    match = body.match.model_dump(mode="json", by_alias=True) if body.match else {}
    if not body.is_default and (body.match is None or body.match.empty):
        raise errors.ValidationFailed(
            "a policy needs match criteria or isDefault: true, else routing can never choose it",
            details=[{"field": "body.match", "message": "set severities, loaderCodes or labels"}])
    return {
        "name": body.name, "description": body.description, "is_default": body.is_default,
        "levels": [lv.model_dump(mode="json", by_alias=True, exclude_none=True) for lv in body.levels],
        "repeat": body.repeat, "match": match,
    }


def create_policy(db: Database, *, body: PolicyIn, actor: str, audit: Audit) -> PolicyOut:
    with db.session() as s:
        fields = _policy_fields(s, body)
        if body.is_default:
            repo.clear_default(s)  # the new default replaces the old one
        try:
            row = repo.insert_policy(s, fields=fields, created_by=actor)
        except UniqueViolation as exc:
            raise errors.Conflict(f"an escalation policy named {body.name!r} already exists") from exc
        out = policy_out(row)
        audit(action="escalation_policy.create", entity_type="escalation_policy", entity_id=out.id,
              after=out, session=s)
    return out


def get_policy(db: Database, *, policy_id: str) -> PolicyOut:
    with db.session() as s:
        row = repo.get_policy(s, _uuid(policy_id, "escalation policy"))
    if row is None:
        raise errors.NotFound(f"escalation policy {policy_id} not found")
    return policy_out(row)


def list_policies(db: Database, *, q: str | None, page: int, size: int) -> tuple[list[PolicyOut], int]:
    with db.session() as s:
        rows, total = repo.list_policies(s, q=q, limit=size, offset=page * size)
    return [policy_out(r) for r in rows], total


def update_policy(db: Database, *, policy_id: str, body: PolicyIn, audit: Audit) -> PolicyOut:
    with db.session() as s:
        before = repo.get_policy(s, _uuid(policy_id, "escalation policy"), lock=True)
        if before is None:
            raise errors.NotFound(f"escalation policy {policy_id} not found")
        fields = _policy_fields(s, body)
        if body.is_default:
            repo.clear_default(s, except_id=policy_id)
        try:
            row = repo.update_policy(s, policy_id, fields=fields)
        except UniqueViolation as exc:
            raise errors.Conflict(f"an escalation policy named {body.name!r} already exists") from exc
        assert row is not None
        out = policy_out(row)
        audit(action="escalation_policy.update", entity_type="escalation_policy", entity_id=policy_id,
              before=policy_out(before), after=out, session=s)
    return out


def delete_policy(db: Database, *, policy_id: str, audit: Audit) -> None:
    with db.session() as s:
        before = repo.get_policy(s, _uuid(policy_id, "escalation policy"), lock=True)
        if before is None:
            raise errors.NotFound(f"escalation policy {policy_id} not found")
        repo.delete_policy(s, policy_id)
        audit(action="escalation_policy.delete", entity_type="escalation_policy", entity_id=policy_id,
              before=policy_out(before), session=s)


def _uuid(value: str, what: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise errors.NotFound(f"{what} {value} not found") from exc


# -- manual notifications and the delivery log --------------------------------------------

def request_send(db: Database, *, body: SendRequestIn, actor: str) -> str:
    """Check a manual notification and put it on the bus; returns the request (event) id."""
    if body.recipient:
        _check_address(body.channel, body.recipient)
    if body.targets:
        with db.session() as s:
            groups = repo.groups_by_ids(s, [str(t.contact_group_id) for t in body.targets if t.contact_group_id])
            users = repo.users_by_ids(s, [str(t.user_id) for t in body.targets if t.user_id])
        missing = [{"field": f"body.targets.{i}", "message": "does not exist"}
                   for i, t in enumerate(body.targets)
                   if (t.contact_group_id and str(t.contact_group_id) not in groups)
                   or (t.user_id and str(t.user_id) not in users)]
        if missing:
            raise errors.ValidationFailed("a target does not exist", details=missing)
    context = {**body.context, "subject": body.subject, "message": body.message, "sentBy": actor}
    templates.render(body.template, body.channel, context)  # fail now, not in the consumer
    envelope = publish("notification.requested", NotificationRequested(
        channel=body.channel.value, template=body.template, recipient=body.recipient,
        targets=[t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in body.targets],
        context=context))
    return envelope.id


def _check_address(channel: Channel, address: str) -> None:
    ok = {
        Channel.EMAIL: lambda a: re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", a),
        Channel.SMS: lambda a: re.fullmatch(E164, a),
        Channel.IVR: lambda a: re.fullmatch(E164, a),
        Channel.WEBHOOK: lambda a: re.match(r"^https?://\S+$", a),
    }[channel](address)
    if not ok:
        want = {Channel.EMAIL: "an e-mail address", Channel.WEBHOOK: "an http(s) URL"}.get(channel, "an E.164 number")
        raise errors.ValidationFailed(f"recipient must be {want} for the {channel.value} channel",
                                      details=[{"field": "body.recipient", "message": f"not {want}"}])


def search_log(db: Database, *, query: LogQuery) -> tuple[list[LogEntry], int]:
    filters = {
        "channel": query.channel.value if query.channel else None,
        "status": query.status.value if query.status else None,
        "recipient": query.recipient, "template": query.template,
        "subject_type": query.subject_type.value if query.subject_type else None,
        "subject_id": query.subject_id, "event_id": query.event_id,
    }
    with db.session() as s:
        rows, total = repo.search_log(s, filters=filters, since=query.since, until=query.until,
                                      limit=query.size, offset=query.offset)
    return [LogEntry(**r) for r in rows], total


def list_escalations(db: Database, *, query: EscalationQuery) -> tuple[list[EscalationOut], int]:
    with db.session() as s:
        rows, total = repo.list_escalations(
            s, subject_type=query.subject_type.value if query.subject_type else None,
            subject_id=query.subject_id, status=query.status.value if query.status else None,
            limit=query.size, offset=query.offset)
    return [EscalationOut(**{k: v for k, v in r.items() if k != "context"}) for r in rows], total
