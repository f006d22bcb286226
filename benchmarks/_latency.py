"""Shared by the latency benchmarks: take samples after a warm-up and report p50 / p95 / max
against a p95 target, as one JSON-ready dict."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any


def collect(n: int, once: Callable[[], float | None]) -> tuple[list[float], int]:
    """Run `once` for a warm-up (imports, connections, first poll) and then `n` times; each
    call returns the seconds it measured, or None when the thing never happened."""
    once()
    latencies: list[float] = []
    missed = 0
    for _ in range(n):
        took = once()
        if took is None:
            missed += 1
        else:
            latencies.append(took)
    return latencies, missed


def report(name: str, *, latencies: list[float], missed: int, target_p95: float, **extra: Any) -> dict[str, Any]:
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)] if ordered else None
    return {
        "benchmark": name, **extra,
        "missed": missed,
        "p50Seconds": round(statistics.median(ordered), 3) if ordered else None,
        "p95Seconds": round(p95, 3) if p95 is not None else None,
        "maxSeconds": round(ordered[-1], 3) if ordered else None,
        "targetP95Seconds": target_p95,
        "pass": p95 is not None and p95 <= target_p95 and missed == 0,
    }
