"""Login brute-force protection: failures counted per username and per client address."""

from __future__ import annotations

from vigil import errors
from vigil.redis import Store


def _keys(store: Store, username: str, client_ip: str) -> list[str]:
    return [store.key("login-fail", "user", username.lower()), store.key("login-fail", "ip", client_ip)]


def check(store: Store, *, username: str, client_ip: str, max_failures: int) -> None:
    """Refuse the attempt while either counter is at its limit."""
    for i, key in enumerate(_keys(store, username, client_ip)):
        limit = max_failures if i == 0 else max_failures * 4  # an office shares one address
        count = int(store.client.get(key) or 0)
        if count >= limit:
            ttl = max(1, int(store.client.ttl(key)))
            raise errors.RateLimited(
                f"too many failed sign-in attempts; try again in {ttl} s", retry_after=ttl
            )


def record_failure(store: Store, *, username: str, client_ip: str, lockout_seconds: int) -> None:
    pipe = store.client.pipeline()
    for key in _keys(store, username, client_ip):
        pipe.incr(key)
        pipe.expire(key, lockout_seconds)
    pipe.execute()


def clear(store: Store, *, username: str) -> None:
    store.client.delete(_keys(store, username, "-")[0])
