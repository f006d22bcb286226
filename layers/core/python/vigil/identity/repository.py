"""SQL for users and refresh tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vigil.db import Row, Session
from vigil.querying import Where, page

_USER_COLS = "id::text AS id, username, email, password_hash, role, disabled, created_at, last_login_at"


def get_by_username(s: Session, username: str) -> Row | None:
    return s.fetch_one(f"SELECT {_USER_COLS} FROM users WHERE lower(username) = lower(%s)", (username,))


def get_by_id(s: Session, user_id: str) -> Row | None:
    return s.fetch_one(f"SELECT {_USER_COLS} FROM users WHERE id = %s", (user_id,))


def insert(s: Session, *, username: str, email: str | None, password_hash: str, role: str) -> Row:
    row = s.fetch_one(
        f"INSERT INTO users (username, email, password_hash, role) VALUES (%s, %s, %s, %s) "
        f"RETURNING {_USER_COLS}",
        (username, email, password_hash, role),
    )
    assert row is not None
    return row


def update(s: Session, user_id: str, fields: dict[str, Any]) -> Row | None:
    allowed = {"role", "disabled", "email", "password_hash", "last_login_at"}
    sets = [f"{k} = %s" for k in fields if k in allowed]
    if not sets:
        return get_by_id(s, user_id)
    values = [v for k, v in fields.items() if k in allowed]
    return s.fetch_one(
        f"UPDATE users SET {', '.join(sets)}, updated_at = now() WHERE id = %s "
        f"RETURNING {_USER_COLS}",
        (*values, user_id),
    )


def search(s: Session, *, q: str | None, role: str | None, disabled: bool | None,
           limit: int, offset: int) -> tuple[list[Row], int]:
    where = Where().contains(["username", "coalesce(email, '')"], q).equals("role", role).equals("disabled", disabled)
    return page(s, select=_USER_COLS, source="users", where=where, order_by="lower(username)", limit=limit,
                offset=offset)


def count_users(s: Session) -> int:
    return int(s.scalar("SELECT count(*) FROM users"))


# -- refresh tokens -----------------------------------------------------------------------

def insert_refresh(s: Session, *, token_hash: str, family_id: str, user_id: str, expires_at: datetime) -> None:
    s.execute(
        "INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at) VALUES (%s, %s, %s, %s)",
        (token_hash, family_id, user_id, expires_at),
    )


def lock_refresh(s: Session, token_hash: str) -> Row | None:
    return s.fetch_one(
        "SELECT token_hash, family_id::text AS family_id, user_id::text AS user_id, expires_at, "
        "used_at, revoked_at FROM refresh_tokens WHERE token_hash = %s FOR UPDATE",
        (token_hash,),
    )


def mark_used(s: Session, token_hash: str) -> None:
    s.execute("UPDATE refresh_tokens SET used_at = now() WHERE token_hash = %s", (token_hash,))


def revoke_family(s: Session, family_id: str) -> int:
    return s.execute(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = %s AND revoked_at IS NULL",
        (family_id,),
    )


def revoke_user(s: Session, user_id: str) -> int:
    return s.execute(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = %s AND revoked_at IS NULL",
        (user_id,),
    )
