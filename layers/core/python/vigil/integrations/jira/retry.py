"""When and how long to wait before calling Jira again: exponential backoff with full jitter on
429, 5xx and timeouts, honouring Jira's `Retry-After` (capped, so one message cannot hold a
worker longer than its queue's visibility timeout)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_seconds: float = 0.5
    max_seconds: float = 20.0
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def retryable(self, status: int | None) -> bool:
        """None stands for a timeout or a connection error."""
        return status is None or status in RETRYABLE_STATUS

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        hinted = parse_retry_after(retry_after)
        if hinted is not None:
            return min(self.max_seconds, hinted)
        ceiling = min(self.max_seconds, self.base_seconds * (2 ** (attempt - 1)))
        # full jitter: spreads the retries of many workers hit by the same outage
        return ceiling * self.random()


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
