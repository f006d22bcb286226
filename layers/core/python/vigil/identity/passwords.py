"""Password hashing with argon2id (memory-hard)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# 64 MiB, 2 passes: ~50 ms here, expensive enough for an offline attacker.
_hasher = PasswordHasher(time_cost=2, memory_cost=64 * 1024, parallelism=1)
# Verifying against this when the user does not exist keeps timing the same either way.
_DUMMY = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
