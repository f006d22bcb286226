"""Poll until something is true, with a deadline (tests never sleep for a fixed time)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(predicate: Callable[[], T], timeout: float = 15.0, interval: float = 0.05) -> T:
    """The first truthy value of `predicate()`, or its last value when the deadline passes."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
