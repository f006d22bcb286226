"""Test users, one per role, with long-lived access tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from vigil.db import get_database
from vigil.identity import passwords, repository
from vigil.identity.models import Principal, Role
from vigil.identity.tokens import issue_access_token


@dataclass(frozen=True)
class TestUser:
    id: str
    username: str
    password: str
    role: Role
    token: str


def make_user(role: Role, *, name: str | None = None, password: str = "correct-horse-1") -> TestUser:
    username = name or f"{role.value.lower()}-{uuid.uuid4().hex[:6]}"
    with get_database().session() as s:
        row = repository.insert(s, username=username, email=None,
                                password_hash=passwords.hash_password(password), role=role.value)
    token, _ = issue_access_token(Principal(row["id"], username, role))
    return TestUser(row["id"], username, password, role, token)


def make_users() -> dict[str, TestUser]:
    return {r.value: make_user(r) for r in Role}
