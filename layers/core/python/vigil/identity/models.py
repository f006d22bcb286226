"""Roles and the authenticated principal."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    VIEWER = "VIEWER"
    OPERATOR = "OPERATOR"
    ADMIN = "ADMIN"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def includes(self, other: Role) -> bool:
        """ADMIN ⊃ OPERATOR ⊃ VIEWER."""
        return self.rank >= other.rank


_RANK = {Role.VIEWER: 1, Role.OPERATOR: 2, Role.ADMIN: 3}


class Public:
    """Marker for routes anyone may call (login, health, webhooks that verify signatures)."""

    def __repr__(self) -> str:
        return "PUBLIC"


PUBLIC = Public()


@dataclass(frozen=True)
class Principal:
    user_id: str
    username: str
    role: Role
    issued_at: int = 0  # when the access token was issued (epoch seconds)
