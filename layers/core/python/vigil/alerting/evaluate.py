"""Pure evaluation of a rule on data: what the data says at instant t (no I/O, no state).

A threshold condition holds *on the data*: at t it looks at the points up to t; the condition
is FIRING when every point of the last `duration` breaches (the breaching run, from its first
point to t's point plus one step, covers the duration), PENDING while the run is shorter, OK
when t's point does not breach. Runs break at gaps longer than two steps. A baseline compares
the window aggregate ending at t with the same window ending at the instant t compares with
(yesterday, last week, the same day last calendar month). Weighted windows score each window
1 when its aggregate meets its condition, else 0, and fire when the weighted score reaches
`scoreThreshold`. Every part a rule has must fire for the rule to fire.

Backtests and live evaluation call the same `candidate()` on the same series, so they agree.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from vigil.alerting.models import RuleDefinition, compare

OK, PENDING, FIRING, NO_DATA = "OK", "PENDING", "FIRING", "NO_DATA"
_ORDER = {OK: 0, PENDING: 1, FIRING: 2}


@dataclass(frozen=True)
class Series:
    """One metric of one series, sorted by time. `counts` weight averages (recCount)."""

    times: Sequence[int]
    values: Sequence[float | None]
    counts: Sequence[int]
    step: int

    @classmethod
    def empty(cls, step: int = 60) -> Series:
        return cls([], [], [], step)


@dataclass
class Candidate:
    state: str
    value: float | None = None
    held_seconds: int = 0
    score: float | None = None
    baseline_change: float | None = None
    details: dict[str, object] = field(default_factory=dict)


def aggregate(series: Series, metric: str, start: int, end: int) -> float | None:
    """The metric over points with start < time <= end, as the query engine aggregates it."""
    lo = bisect.bisect_right(series.times, start)
    hi = bisect.bisect_right(series.times, end)
    values = [(v, c) for v, c in zip(series.values[lo:hi], series.counts[lo:hi], strict=True) if v is not None]
    if not values:
        return None
    if metric in ("sumVal", "recCount"):
        return float(sum(v for v, _ in values))
    if metric == "minVal":
        return float(min(v for v, _ in values))
    if metric == "maxVal":
        return float(max(v for v, _ in values))
    weight = sum(c for _, c in values)
    if weight > 0:
        return float(sum(v * c for v, c in values) / weight)
    return float(sum(v for v, _ in values) / len(values))


def no_data_horizon(series: Series) -> int:
    return max(3 * series.step, 600)


class RunIndex:
    """For each point: where the breaching run ending there started (or -1 if it breaches not)."""

    def __init__(self, series: Series, breaches: Callable[[float], bool]) -> None:
        self.start: list[int] = []
        for i, v in enumerate(series.values):
            ok = v is not None and breaches(v)
            if not ok:
                self.start.append(-1)
            elif i > 0 and self.start[i - 1] >= 0 and series.times[i] - series.times[i - 1] <= 2 * series.step:
                self.start.append(self.start[i - 1])
            else:
                self.start.append(i)


def candidate(
    rule: RuleDefinition,
    series: Series,
    t: int,
    *,
    runs: list[RunIndex] | None = None,
    baseline_series: Series | None = None,
    baseline_instant: Callable[[int], int] | None = None,
) -> Candidate:
    """What the data says at t. `runs` (one per condition) may be precomputed for speed."""
    idx = bisect.bisect_right(series.times, t) - 1
    if idx < 0 or series.times[idx] < t - no_data_horizon(series):
        return Candidate(NO_DATA)
    value = series.values[idx]
    states: list[str] = []
    cand = Candidate(OK, value=value)
    if rule.conditions:
        runs = runs or [RunIndex(series, c.breaches) for c in rule.conditions]
        held_all = []
        cond_states = []
        for c, run in zip(rule.conditions, runs, strict=True):
            start = run.start[idx]
            if start < 0:
                cond_states.append(OK)
                held_all.append(0)
                continue
            held = series.times[idx] - series.times[start] + series.step
            held_all.append(held)
            cond_states.append(FIRING if held >= c.duration_seconds else PENDING)
        cand.held_seconds = min(held_all)
        states.append(min(cond_states, key=_ORDER.__getitem__))
    if rule.baseline is not None:
        b = rule.baseline
        current = aggregate(series, rule.metric, t - b.window_seconds, t)
        past = None
        if baseline_series is not None and baseline_instant is not None:
            then = baseline_instant(t)
            past = aggregate(baseline_series, rule.metric, then - b.window_seconds, then)
        change = _change(current, past, b.mode)
        cand.baseline_change = change
        cand.details["baseline"] = {"current": current, "baseline": past, "change": change}
        states.append(FIRING if change is not None and compare(change, b.operator, b.threshold) else OK)
    if rule.windows:
        score = 0.0
        parts = []
        for w in rule.windows:
            agg = aggregate(series, rule.metric, t - w.window_seconds, t)
            met = agg is not None and compare(agg, w.operator, w.threshold)
            score += w.weight if met else 0.0
            parts.append({"window": w.window, "value": agg, "met": met})
        cand.score = round(score, 9)
        cand.details["windows"] = parts
        assert rule.score_threshold is not None
        states.append(FIRING if cand.score >= rule.score_threshold else OK)
    cand.state = min(states, key=_ORDER.__getitem__)
    return cand


def _change(current: float | None, past: float | None, mode: str) -> float | None:
    if current is None or past is None:
        return None
    if mode == "ratio":
        return current / past if past != 0 else (math.inf if current > 0 else 0.0)
    if past == 0:
        return 0.0 if current == 0 else math.copysign(math.inf, current)
    return (current - past) / abs(past) * 100.0
