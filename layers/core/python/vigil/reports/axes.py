"""Axis ticks for the charts: round value steps and calendar-friendly time steps. No I/O."""

from __future__ import annotations

import math
from datetime import UTC, datetime

_TIME_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800,
               604800, 1209600, 2592000]


def nice_range(lo: float, hi: float, *, ticks: int = 5) -> tuple[float, float, float]:
    """(axis min, axis max, step) enclosing [lo, hi] with round steps (1, 2, 2.5, 5 × 10^n)."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        lo, hi = 0.0, 1.0
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(1, ticks)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def value_ticks(lo: float, hi: float, step: float) -> list[float]:
    count = int(round((hi - lo) / step))
    return [lo + i * step for i in range(count + 1)]


def time_ticks(start: float, end: float, *, max_ticks: int = 7) -> list[float]:
    """Epoch seconds of tick marks on whole minutes / hours / days inside [start, end]."""
    span = max(1.0, end - start)
    step = next((s for s in _TIME_STEPS if span / s <= max_ticks), _TIME_STEPS[-1])
    first = math.ceil(start / step) * step
    return [float(t) for t in range(int(first), int(end) + 1, step)]


def time_label(epoch: float, span: float) -> str:
    moment = datetime.fromtimestamp(epoch, UTC)
    if span <= 86400:
        return moment.strftime("%H:%M")
    if span <= 7 * 86400:
        return moment.strftime("%d %b %H:%M")
    return moment.strftime("%d %b")


def value_label(value: float, step: float) -> str:
    if abs(value) >= 1e6:
        return f"{value / 1e6:g}M"
    if abs(value) >= 1e4:
        return f"{value / 1e3:g}k"
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{value:.{decimals}f}"
