"""Durations written as `30s`, `5m`, `1h`, `1d`, `2w` (what rules and policies use)."""

from __future__ import annotations

import re
from functools import lru_cache

_DURATION = re.compile(r"^(\d+)([smhdw])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


@lru_cache(maxsize=1024)  # rules ask for the same few durations thousands of times a cycle
def seconds(text: str) -> int:
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 30s, 5m, 1h, 1d")
    return int(match.group(1)) * _UNIT[match.group(2)]


def text(value: int) -> str:
    for unit in ("w", "d", "h", "m"):
        if value and value % _UNIT[unit] == 0:
            return f"{value // _UNIT[unit]}{unit}"
    return f"{value}s"
