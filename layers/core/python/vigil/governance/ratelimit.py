"""Sliding-window rate limits in Redis: exact counts over the last N seconds.

One sorted set per subject holds the request times of the window; a Lua script trims, counts
and admits atomically, so concurrent API instances share one limit.
"""

from __future__ import annotations

import time
import uuid

from vigil import errors
from vigil.identity.models import Principal
from vigil.logging import get_logger
from vigil.redis import RedisError, Store, get_store
from vigil.settings import get_settings

log = get_logger(__name__)

_SCRIPT = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
  return {1, 0}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local retry = window - (now - tonumber(oldest[2]))
return {0, tostring(retry)}
"""


def hit(store: Store, subject: str, *, limit: int, window_seconds: float, now: float | None = None) -> float:
    """Count one request; return 0 when admitted, else the seconds until one is allowed."""
    script = store.script(_SCRIPT)
    admitted, retry = script(
        keys=[store.key("ratelimit", subject)],
        args=[now if now is not None else time.time(), window_seconds, limit, uuid.uuid4().hex],
    )
    return 0.0 if int(admitted) == 1 else max(float(retry), 0.001)


def check(*, principal: Principal | None, client_ip: str, store: Store | None = None) -> None:
    s = get_settings()
    if principal is not None:
        subject, limit = f"user:{principal.user_id}", s.rate_limit_per_minute
    else:
        subject, limit = f"ip:{client_ip}", s.anonymous_rate_limit_per_minute
    try:
        wait = hit(store or get_store(), subject, limit=limit, window_seconds=60)
    except RedisError:
        # Fail open: an unreachable Redis must not take the API (and its health page) down.
        log.warning("rate limit not checked: Redis unavailable")
        return
    if wait:
        raise errors.RateLimited(
            f"rate limit of {limit} requests per minute exceeded; retry in {int(wait) + 1} s",
            retry_after=int(wait) + 1,
        )
