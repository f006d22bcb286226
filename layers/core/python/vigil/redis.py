"""Redis adapter. The only module that imports redis.

Every key goes through `key()`, which adds the configured prefix, so two deployments or two
test runs can share one server.
"""

from __future__ import annotations

from typing import Any

import redis as redis_lib

RedisError = redis_lib.RedisError


class Store:
    def __init__(self, url: str, *, prefix: str = "vigil:") -> None:
        self.prefix = prefix
        self.client: redis_lib.Redis = redis_lib.Redis.from_url(
            url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5,
            health_check_interval=30,
        )

    def key(self, *parts: Any) -> str:
        return self.prefix + ":".join(str(p) for p in parts)

    def set_if_absent(self, key: str, value: str, ttl_seconds: int) -> bool:
        return bool(self.client.set(key, value, nx=True, ex=max(1, int(ttl_seconds))))

    def script(self, source: str) -> Any:
        return self.client.register_script(source)

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis_lib.RedisError:
            return False

    def delete_prefixed(self) -> int:
        """Remove every key under this store's prefix (test teardown, demo reset)."""
        count = 0
        for k in self.client.scan_iter(match=self.prefix + "*", count=1000):
            count += int(self.client.delete(k))
        return count

    def close(self) -> None:
        self.client.close()


_store: Store | None = None


def get_store() -> Store:
    global _store
    if _store is None:
        from vigil import errors
        from vigil.settings import get_settings

        s = get_settings()
        if not s.redis_url:
            raise errors.DependencyUnavailable("REDIS_URL is not configured")
        _store = Store(s.redis_url, prefix=s.redis_key_prefix)
    return _store


def reset() -> None:
    global _store
    if _store is not None:
        _store.close()
        _store = None
