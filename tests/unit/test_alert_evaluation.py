"""Pure evaluation and state transitions: durations judged on data, baselines, weighted
windows, no-data policies, silences and suppression."""

from __future__ import annotations

import pytest

from vigil.alerting.evaluate import FIRING, NO_DATA, OK, PENDING, Series, candidate
from vigil.alerting.models import RuleDefinition, consistency_problems
from vigil.alerting.statemachine import RESOLVE, RESOLVED, SUPPRESSED, TRIGGER, SeriesState, advance

CHART = "11111111-1111-1111-1111-111111111111"


def rule(**over) -> RuleDefinition:
    body = {"ruleName": "r", "chartId": CHART, "loaderCode": "L", "metric": "avgVal", "severity": "HIGH",
            "conditions": [{"operator": ">", "threshold": 10, "duration": "3m"}], "evaluationInterval": "30s",
            "suppressionWindow": "0s"}
    body.update(over)
    return RuleDefinition.model_validate(body)


def minutes(values, start=0, step=60) -> Series:
    times = [start + i * step for i in range(len(values))]
    return Series(times, list(values), [1] * len(values), step)


def test_pending_until_the_condition_holds_for_the_whole_duration():
    s = minutes([1, 11, 12, 13, 14, 2])
    r = rule()
    assert [candidate(r, s, t).state for t in s.times] == [OK, PENDING, PENDING, FIRING, FIRING, OK]
    assert candidate(r, s, 180).held_seconds == 180


def test_a_gap_breaks_a_run_and_stale_data_is_no_data():
    s = Series([0, 60, 600, 660], [11, 11, 11, 11], [1] * 4, 60)
    assert candidate(rule(), s, 660).state == PENDING  # the run restarted after the gap
    assert candidate(rule(), s, 660 + 3600).state == NO_DATA


def test_zero_duration_fires_on_the_first_breaching_point():
    assert candidate(rule(conditions=[{"operator": ">=", "threshold": 5, "duration": "0s"}]),
                     minutes([5]), 0).state == FIRING


def test_baseline_percent_change_with_direction():
    now = minutes([100] * 60, start=86400)        # today 100
    yesterday = minutes([50] * 60)                 # yesterday 50: +100 %
    up = rule(conditions=[], baseline={"compareTo": "yesterday", "mode": "percent", "operator": ">",
                                       "threshold": 50, "window": "30m"})
    c = candidate(up, now, now.times[-1], baseline_series=yesterday, baseline_instant=lambda t: t - 86400)
    assert c.state == FIRING and c.baseline_change == pytest.approx(100.0)
    down = rule(conditions=[], baseline={"compareTo": "yesterday", "mode": "ratio", "operator": "<",
                                         "threshold": 0.5, "window": "30m"})
    assert candidate(down, now, now.times[-1], baseline_series=yesterday,
                     baseline_instant=lambda t: t - 86400).state == OK  # ratio 2.0 is not < 0.5


def test_weighted_windows_score_and_fire_at_the_threshold():
    values = [1] * 50 + [20] * 10   # the last 10 minutes are high
    s = minutes(values)
    r = rule(conditions=[], windows=[
        {"window": "5m", "weight": 0.5, "operator": ">", "threshold": 10},
        {"window": "30m", "weight": 0.3, "operator": ">", "threshold": 10},
        {"window": "1h", "weight": 0.2, "operator": ">", "threshold": 10}], scoreThreshold=0.5)
    c = candidate(r, s, s.times[-1])
    assert c.score == pytest.approx(0.5) and c.state == FIRING
    assert candidate(r.model_copy(update={"score_threshold": 0.6}), s, s.times[-1]).state == OK


def test_consistency_problems_name_the_field():
    r = rule(conditions=[{"operator": ">", "threshold": 1, "duration": "10s"}],
             windows=[{"window": "5m", "weight": 0.5, "operator": ">", "threshold": 1}])
    fields = {p["field"] for p in consistency_problems(r)}
    assert fields == {"body.conditions[0].duration", "body.windows", "body.scoreThreshold"}


def test_transitions_ok_pending_firing_resolved_ok():
    r = rule()
    s = SeriesState()
    seen = []
    for t, cand in enumerate([OK, PENDING, FIRING, FIRING, OK, OK]):
        s, action = advance(s, cand, t=t * 60, rule=r, silenced=False)
        seen.append((s.state, action))
    assert seen == [(OK, None), (PENDING, None), (FIRING, TRIGGER), (FIRING, None), (RESOLVED, RESOLVE), (OK, None)]


@pytest.mark.parametrize(("policy", "expected"), [("keep", FIRING), ("ok", RESOLVED), ("alert", FIRING)])
def test_no_data_policies(policy, expected):
    firing = SeriesState(FIRING, 0, 0, True)
    state, _ = advance(firing, NO_DATA, t=60, rule=rule(noData=policy), silenced=False)
    assert state.state == expected
    fresh, action = advance(SeriesState(), NO_DATA, t=60, rule=rule(noData=policy), silenced=False)
    assert (fresh.state, action) == ({"keep": (OK, None), "ok": (OK, None), "alert": (FIRING, TRIGGER)}[policy])


def test_a_silence_holds_a_firing_rule_in_pending_until_it_ends():
    r = rule()
    s, action = advance(SeriesState(), FIRING, t=0, rule=r, silenced=True)
    assert (s.state, action) == (PENDING, None)
    s, action = advance(s, FIRING, t=60, rule=r, silenced=False)
    assert (s.state, action) == (FIRING, TRIGGER)


def test_the_suppression_window_prevents_a_second_trigger():
    r = rule(suppressionWindow="30m")
    s, a1 = advance(SeriesState(), FIRING, t=0, rule=r, silenced=False)
    s, a2 = advance(s, OK, t=60, rule=r, silenced=False)
    s, a3 = advance(s, FIRING, t=600, rule=r, silenced=False)    # 10 min later: suppressed
    assert (a1, a2, a3) == (TRIGGER, RESOLVE, SUPPRESSED) and s.state == FIRING and not s.alert_open
    s, a4 = advance(s, OK, t=660, rule=r, silenced=False)
    assert a4 is None  # nothing to resolve: no alert was opened
    s, a5 = advance(s, FIRING, t=1900, rule=r, silenced=False)  # after 30 min: fires again
    assert a5 == TRIGGER


@pytest.mark.parametrize(("compare_to", "now", "then"), [
    ("yesterday", "2026-03-01T00:30:00+00:00", "2026-02-28T00:30:00+00:00"),
    ("lastWeek", "2026-03-03T12:00:00+00:00", "2026-02-24T12:00:00+00:00"),
    ("lastMonth", "2024-03-30T12:00:00+00:00", "2024-02-29T12:00:00+00:00"),  # leap year
    ("lastMonth", "2026-01-15T08:00:00+00:00", "2025-12-15T08:00:00+00:00"),
])
def test_baseline_instants(compare_to, now, then):
    from datetime import datetime

    from vigil.alerting.data import baseline_instant

    assert baseline_instant(compare_to)(int(datetime.fromisoformat(now).timestamp())) == int(
        datetime.fromisoformat(then).timestamp())


def test_a_last_week_baseline_on_known_data():
    week = 7 * 86400
    now = minutes([80.0] * 30, start=week)
    last_week = minutes([100.0] * 30)
    r = rule(conditions=[], baseline={"compareTo": "lastWeek", "mode": "percent", "operator": "<=",
                                      "threshold": -20, "window": "15m"})
    c = candidate(r, now, now.times[-1], baseline_series=last_week, baseline_instant=lambda t: t - week)
    assert c.baseline_change == pytest.approx(-20.0) and c.state == FIRING
