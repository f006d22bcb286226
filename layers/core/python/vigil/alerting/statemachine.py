"""OK → PENDING → FIRING → RESOLVED (→ OK), driven by what the data says, the no-data policy,
silences and the suppression window. Live evaluation and backtests share this function."""

from __future__ import annotations

from dataclasses import dataclass, replace

from vigil.alerting.evaluate import FIRING, NO_DATA, OK, PENDING
from vigil.alerting.models import RuleDefinition

RESOLVED = "RESOLVED"

TRIGGER, RESOLVE, SUPPRESSED = "trigger", "resolve", "suppressed"


@dataclass(frozen=True)
class SeriesState:
    state: str = OK
    since: int = 0
    last_triggered_at: int | None = None
    alert_open: bool = False


def advance(prev: SeriesState, candidate: str, *, t: int, rule: RuleDefinition,
            silenced: bool) -> tuple[SeriesState, str | None]:
    """The next state and the action it calls for (trigger, resolve, suppressed or none)."""
    if candidate == NO_DATA:
        if rule.no_data == "keep":
            return prev, None
        candidate = OK if rule.no_data == "ok" else FIRING
    if prev.state == FIRING:
        if candidate == OK:
            action = RESOLVE if prev.alert_open else None
            return SeriesState(RESOLVED, t, prev.last_triggered_at, False), action
        return prev, None
    if candidate == FIRING:
        if silenced:
            return _moved(prev, PENDING, t), None
        if prev.last_triggered_at is not None and t - prev.last_triggered_at < rule.suppression_seconds:
            return SeriesState(FIRING, t, prev.last_triggered_at, False), SUPPRESSED
        return SeriesState(FIRING, t, t, True), TRIGGER
    if candidate == PENDING:
        return _moved(prev, PENDING, t), None
    return _moved(prev, OK, t), None


def _moved(prev: SeriesState, state: str, t: int) -> SeriesState:
    return prev if prev.state == state else replace(prev, state=state, since=t)
