"""Turn targets (contact groups, users) into addresses for one channel.

A member's per-channel preference (`channels`) is honoured; a member linked to a user
falls back to the user's e-mail. Addresses are de-duplicated, first name wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vigil.db import Row, Session
from vigil.notifications import repository as repo
from vigil.notifications.models import Channel


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str | None = None


def member_address(member: dict[str, Any], channel: Channel, users: dict[str, Row]) -> str | None:
    accepted = member.get("channels")
    if accepted and channel.value not in accepted:
        return None
    user = users.get(str(member.get("userId") or ""))
    if channel is Channel.EMAIL:
        return member.get("email") or (user or {}).get("email")
    if channel in (Channel.SMS, Channel.IVR):
        return member.get("phone")
    return member.get("webhookUrl")


def resolve(s: Session, *, channel: Channel, targets: list[dict[str, Any]],
            recipient: str | None = None) -> list[Recipient]:
    found: list[Recipient] = []
    if recipient:
        found.append(Recipient(recipient))
    group_ids = [str(t["contactGroupId"]) for t in targets if t.get("contactGroupId")]
    user_ids = [str(t["userId"]) for t in targets if t.get("userId")]
    groups = repo.groups_by_ids(s, group_ids) if group_ids else {}
    members = [m for gid in group_ids if gid in groups for m in groups[gid]["members"]]
    linked = [str(m["userId"]) for m in members if m.get("userId")]
    users = repo.users_by_ids(s, sorted(set(user_ids + linked))) if (user_ids or linked) else {}
    for member in members:
        address = member_address(member, channel, users)
        if address:
            found.append(Recipient(address, member.get("name")))
    for uid in user_ids:
        user = users.get(uid)
        if user and channel is Channel.EMAIL and user.get("email"):
            found.append(Recipient(user["email"], user["username"]))
    unique: dict[str, Recipient] = {}
    for r in found:
        unique.setdefault(r.address.lower(), r)
    return list(unique.values())
