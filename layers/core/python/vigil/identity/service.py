"""Identity flows: sign-in, rotating refresh tokens, sign-out, and user administration."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from vigil import errors
from vigil.db import Database, Row, Session, UniqueViolation
from vigil.governance.audit import AuditFn
from vigil.identity import bruteforce, passwords, revocation, tokens
from vigil.identity import repository as repo
from vigil.identity.models import Principal, Role
from vigil.identity.schemas import CreateUser, TokenPair, UpdateUser, UserOut
from vigil.redis import Store, get_store
from vigil.settings import get_settings

BAD_CREDENTIALS = "the username or password is not correct"


def user_out(row: Row) -> UserOut:
    return UserOut(
        id=row["id"], username=row["username"], role=Role(row["role"]), email=row["email"],
        disabled=row["disabled"], created_at=row["created_at"], last_login_at=row["last_login_at"],
    )


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue_pair(db_session: Session, user: Row, family_id: str) -> TokenPair:
    s = get_settings()
    principal = Principal(user_id=user["id"], username=user["username"], role=Role(user["role"]))
    access, ttl = tokens.issue_access_token(principal)
    refresh = secrets.token_urlsafe(48)
    repo.insert_refresh(
        db_session, token_hash=_hash_token(refresh), family_id=family_id, user_id=user["id"],
        expires_at=datetime.now(UTC) + timedelta(seconds=s.jwt_refresh_ttl_seconds),
    )
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=ttl, user=user_out(user))


def login(db: Database, store: Store, *, username: str, password: str, client_ip: str) -> TokenPair:
    s = get_settings()
    bruteforce.check(store, username=username, client_ip=client_ip, max_failures=s.login_max_failures)
    with db.session() as session:
        user = repo.get_by_username(session, username)
        ok = passwords.verify_password(user["password_hash"] if user else None, password)
        if not ok or user is None or user["disabled"]:
            bruteforce.record_failure(store, username=username, client_ip=client_ip,
                                      lockout_seconds=s.login_lockout_seconds)
            raise errors.Unauthenticated(BAD_CREDENTIALS)
        bruteforce.clear(store, username=username)
        repo.update(session, user["id"], {"last_login_at": datetime.now(UTC)})
        return _issue_pair(session, user, family_id=str(uuid.uuid4()))


def refresh(db: Database, *, refresh_token: str) -> TokenPair:
    """Rotate: the presented token is spent and a new one of the same family issued.

    Presenting a spent token again means it leaked: the whole family is revoked.
    """
    invalid = errors.Unauthenticated("the refresh token is not valid; sign in again")
    with db.session() as session:
        row = repo.lock_refresh(session, _hash_token(refresh_token))
        if row is None or row["revoked_at"] is not None or row["expires_at"] < datetime.now(UTC):
            raise invalid
        if row["used_at"] is not None:
            repo.revoke_family(session, row["family_id"])
            reuse = True
        else:
            reuse = False
            repo.mark_used(session, row["token_hash"])
            user = repo.get_by_id(session, row["user_id"])
            if user is None or user["disabled"]:
                raise invalid
            pair = _issue_pair(session, user, family_id=row["family_id"])
    if reuse:
        # Committed above, outside the failing path, so the revocation sticks.
        raise errors.Unauthenticated("this refresh token was already used; all sessions of it are revoked")
    return pair


def logout(db: Database, *, refresh_token: str) -> None:
    with db.session() as session:
        row = repo.lock_refresh(session, _hash_token(refresh_token))
        if row is not None:
            repo.revoke_family(session, row["family_id"])


def get_user(db: Database, user_id: str) -> UserOut:
    with db.session() as session:
        row = repo.get_by_id(session, user_id)
    if row is None:
        raise errors.NotFound(f"user {user_id} not found")
    return user_out(row)


def create_user(db: Database, body: CreateUser, *, audit: AuditFn) -> UserOut:
    with db.session() as session:
        try:
            row = repo.insert(session, username=body.username, email=body.email,
                              password_hash=passwords.hash_password(body.password), role=body.role.value)
        except UniqueViolation as exc:
            raise errors.Conflict(f"a user named {body.username!r} already exists") from exc
        out = user_out(row)
        audit(action="user.create", entity_type="user", entity_id=out.id, after=out, session=session)
    return out


def update_user(db: Database, user_id: str, body: UpdateUser, *, actor: Principal,
                audit: AuditFn) -> UserOut:
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise errors.ValidationFailed("nothing to change: send role, disabled or email")
    if user_id == actor.user_id and (changes.get("disabled") or changes.get("role") not in (None, Role.ADMIN)):
        raise errors.Conflict("you cannot disable or demote your own account")
    with db.session() as session:
        before = repo.get_by_id(session, user_id)
        if before is None:
            raise errors.NotFound(f"user {user_id} not found")
        fields = {k: (v.value if isinstance(v, Role) else v) for k, v in changes.items()}
        row = repo.update(session, user_id, fields)
        assert row is not None
        if changes.get("disabled") or "role" in changes:
            repo.revoke_user(session, user_id)
            revoke_live_tokens(user_id)  # the new role or lock-out takes effect at once
        out = user_out(row)
        audit(action="user.update", entity_type="user", entity_id=user_id,
              before=user_out(before), after=out, session=session)
    return out


def reset_password(db: Database, user_id: str, password: str, *, audit: AuditFn) -> None:
    with db.session() as session:
        if repo.get_by_id(session, user_id) is None:
            raise errors.NotFound(f"user {user_id} not found")
        repo.update(session, user_id, {"password_hash": passwords.hash_password(password)})
        repo.revoke_user(session, user_id)
        revoke_live_tokens(user_id)
        audit(action="user.reset_password", entity_type="user", entity_id=user_id, session=session)


def revoke_live_tokens(user_id: str) -> None:
    revocation.revoke_tokens_issued_before_now(get_store(), user_id)


def list_users(db: Database, *, q: str | None, role: Role | None, disabled: bool | None,
               page: int, size: int) -> tuple[list[UserOut], int]:
    with db.session() as session:
        rows, total = repo.search(session, q=q, role=role.value if role else None, disabled=disabled,
                                  limit=size, offset=page * size)
    return [user_out(r) for r in rows], total


def ensure_demo_admin(db: Database, *, password: str) -> None:
    """Create admin/<password> when the platform has no users yet."""
    with db.session() as session:
        session.advisory_lock(7_316_010)
        if repo.count_users(session) == 0:
            repo.insert(session, username="admin", email=None,
                        password_hash=passwords.hash_password(password), role=Role.ADMIN.value)
