"""Backtests: evaluate a rule (saved or not) over a past range with the very functions live
evaluation uses, without side effects, and report its state timeline and firings."""

from __future__ import annotations

from datetime import UTC, datetime

from vigil.alerting.data import baseline_instant, chart_values, fetch, fetch_baseline, spec_for, to_series
from vigil.alerting.evaluate import RunIndex, Series, candidate
from vigil.alerting.models import RuleDefinition
from vigil.alerting.schemas import BacktestStep, Firing, TestResult
from vigil.alerting.silences import any_covers
from vigil.alerting.statemachine import RESOLVE, SUPPRESSED, TRIGGER, SeriesState, advance
from vigil.charts.service import resolve_chart
from vigil.db import Database, Row


def backtest(db: Database, rule: RuleDefinition, *, from_epoch: int, to_epoch: int, rule_id: str = "",
             silences: list[Row] | None = None) -> TestResult:
    chart = resolve_chart(db, rule.chart_id, chart_values(rule))
    spec = spec_for(rule, chart)
    step = spec.step or 60
    points = fetch(db, spec, from_epoch - rule.lookback_seconds - 3 * step, to_epoch)
    past_points = None
    if rule.baseline:
        past_points = fetch_baseline(db, spec, rule.baseline.compare_to, first=from_epoch, last=to_epoch,
                                     window=rule.baseline.window_seconds)
    timeline: list[BacktestStep] = []
    firings: list[Firing] = []
    higher_is_worse = not (rule.conditions and rule.conditions[0].operator in ("<", "<="))
    for key, series_points in sorted(points.items()):
        series = to_series(series_points, rule.metric, spec)
        past: Series | None = to_series(past_points.get(key, []), rule.metric, spec) if past_points else None
        runs = [RunIndex(series, c.breaches) for c in rule.conditions]
        state = SeriesState()
        open_firing: Firing | None = None
        for t in (t for t in series.times if from_epoch <= t <= to_epoch):
            cand = candidate(rule, series, t, runs=runs, baseline_series=past,
                             baseline_instant=baseline_instant(rule.baseline.compare_to) if rule.baseline else None)
            silenced = any_covers(silences or [], rule_id=rule_id, loader_code=rule.loader_code, labels=rule.labels,
                                  at=datetime.fromtimestamp(t, UTC))
            state, action = advance(state, cand.state, t=t, rule=rule, silenced=silenced)
            timeline.append(BacktestStep(timestamp=t, series_key=key, value=cand.value, state=state.state,
                                          candidate=cand.state, score=cand.score,
                                          baseline_change=cand.baseline_change, silenced=silenced))
            if action in (TRIGGER, SUPPRESSED):
                open_firing = Firing(series_key=key, **{"from": t}, to=None, peak_value=cand.value,
                                     suppressed=action == SUPPRESSED)
                firings.append(open_firing)
            elif open_firing is not None and (action == RESOLVE or state.state != "FIRING"):
                open_firing.to = t
                open_firing = None
            elif open_firing is not None and cand.value is not None:
                peak = open_firing.peak_value
                if peak is None or (cand.value > peak if higher_is_worse else cand.value < peak):
                    open_firing.peak_value = cand.value
    return TestResult(metric=rule.metric, threshold=rule.threshold, timeline=timeline, firings=firings)
