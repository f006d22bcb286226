"""Access tokens: HS256 JWTs carrying the user's id, name and role, with a short expiry."""

from __future__ import annotations

import time
import uuid

import jwt

from vigil import errors
from vigil.identity.models import Principal, Role
from vigil.settings import Settings, get_settings

ALGORITHM = "HS256"


def _secret(s: Settings) -> str:
    if s.jwt_secret is None or len(s.jwt_secret.get_secret_value()) < 32:
        raise errors.DependencyUnavailable("JWT_SECRET is not configured (at least 32 characters)")
    return s.jwt_secret.get_secret_value()


def issue_access_token(principal: Principal, *, now: float | None = None) -> tuple[str, int]:
    s = get_settings()
    issued = int(now if now is not None else time.time())
    claims = {
        "sub": principal.user_id,
        "username": principal.username,
        "role": principal.role.value,
        "typ": "access",
        "iss": s.jwt_issuer,
        "iat": issued,
        "exp": issued + s.jwt_access_ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, _secret(s), algorithm=ALGORITHM), s.jwt_access_ttl_seconds


def verify_access_token(token: str) -> Principal:
    s = get_settings()
    try:
        claims = jwt.decode(
            token,
            _secret(s),
            algorithms=[ALGORITHM],
            issuer=s.jwt_issuer,
            leeway=s.jwt_leeway_seconds,
            options={"require": ["exp", "iat", "sub", "role"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise errors.Unauthenticated("the access token has expired") from exc
    except jwt.InvalidTokenError as exc:
        raise errors.Unauthenticated("the access token is not valid") from exc
    if claims.get("typ") != "access":
        raise errors.Unauthenticated("the access token is not valid")
    try:
        role = Role(claims["role"])
    except ValueError as exc:
        raise errors.Unauthenticated("the access token is not valid") from exc
    return Principal(user_id=str(claims["sub"]), username=str(claims.get("username", "")), role=role,
                     issued_at=int(claims["iat"]))
