"""Time arithmetic of bucketed queries: which bucket, and which storage serves which span.

All times are epoch seconds UTC and every bucket is aligned to the epoch (so a 1h bucket
starts on the hour UTC, a 1d bucket at 00:00 UTC). A query range [start, end) is split into
spans served by the coarsest rollup that covers whole rollup rows, and finer storage at the
edges, e.g. for 1h buckets over 10:20:30 → 14:05:00:

    raw [10:20:30, 10:21) + 1m [10:21, 11:00) + 1h [11:00, 14:00) + 1m [14:00, 14:05)

so partial buckets at the edges only count the points inside the range, exactly like a
plain aggregation over the raw rows would.
"""

from __future__ import annotations

from vigil.signals.schemas import BUCKET_SECONDS

ROLLUP_SECONDS = {"1d": 86400, "1h": 3600, "1m": 60}  # coarsest first
RAW = "raw"


def levels_for(bucket_seconds: int) -> list[tuple[str, int]]:
    """Storage levels usable for a bucket width, coarsest first, ending with raw rows."""
    usable = [(name, sec) for name, sec in ROLLUP_SECONDS.items()
              if sec <= bucket_seconds and bucket_seconds % sec == 0]
    return [*usable, (RAW, 1)]


def spans(start: int, end: int, bucket_seconds: int) -> list[tuple[str, int, int]]:
    """Split [start, end) into (level, span_start, span_end) pieces, in time order."""
    return _split(start, end, levels_for(bucket_seconds))


def _split(a: int, b: int, levels: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    if a >= b:
        return []
    name, size = levels[0]
    if name == RAW:
        return [(RAW, a, b)]
    lo = -(-a // size) * size
    hi = b // size * size
    if lo >= hi:
        return _split(a, b, levels[1:])
    return [*_split(a, lo, levels[1:]), (name, lo, hi), *_split(hi, b, levels[1:])]


def auto_bucket(start: int, end: int, limit: int) -> str:
    """The smallest bucket giving at most `limit` buckets over [start, end) (else 1d)."""
    for name, sec in BUCKET_SECONDS.items():
        if bucket_count(start, end, sec) <= limit:
            return name
    return "1d"


def bucket_count(start: int, end: int, bucket_seconds: int) -> int:
    first = start // bucket_seconds
    last = (end - 1) // bucket_seconds
    return max(0, last - first + 1)
