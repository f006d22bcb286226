"""At most `maxParallelism` concurrent runs per loader, across every worker: a Redis sorted set
per loader whose members are execution ids scored by lease expiry, so a crashed worker's slot
frees itself when its lease runs out."""

from __future__ import annotations

import time

from vigil.redis import Store

# KEYS[1] slots; ARGV: now, limit, execution id, lease expiry, key ttl
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[3]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""


def _key(store: Store, loader_code: str) -> str:
    return store.key("loaders", "running", loader_code)


def acquire(store: Store, *, loader_code: str, execution_id: str, limit: int, lease_seconds: int) -> bool:
    now = time.time()
    script = store.script(_ACQUIRE)
    got = script(keys=[_key(store, loader_code)],
                 args=[now, limit, execution_id, now + lease_seconds, int(lease_seconds) + 60])
    return bool(got)


def release(store: Store, *, loader_code: str, execution_id: str) -> None:
    store.client.zrem(_key(store, loader_code), execution_id)


def running(store: Store, *, loader_code: str) -> int:
    return int(store.client.zcount(_key(store, loader_code), time.time(), "+inf"))
