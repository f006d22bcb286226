"""The live evaluator: one cycle picks the due rules, reads each distinct chart query once,
evaluates every rule on it, and records states, evaluations, alerts and events.

Exactly-once firing with several evaluators: a rule is claimed in one short transaction
(`FOR UPDATE SKIP LOCKED`, its next evaluation moved forward) and under a Redis lock
(`alert:eval:lock:<ruleId>`, TTL 60 s); the database allows one open alert per rule and
series; events go through the outbox in the transaction that opens or closes the alert.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from vigil import db as db_adapter
from vigil import errors
from vigil.alerting import repository as repo
from vigil.alerting.data import DataSpec, baseline_instant, chart_values, fetch, fetch_baseline, spec_for, to_series
from vigil.alerting.evaluate import Candidate, Series, candidate
from vigil.alerting.models import RuleDefinition
from vigil.alerting.silences import any_covers
from vigil.alerting.statemachine import RESOLVE, TRIGGER, SeriesState, advance
from vigil.charts import repository as chart_repo
from vigil.charts.resolve import resolve
from vigil.db import Database, Row, Session
from vigil.events.catalog import Envelope
from vigil.events.outbox import Outbox
from vigil.logging import get_logger
from vigil.ops import metrics
from vigil.redis import Store
from vigil.settings import get_settings

log = get_logger(__name__)

OUTBOX = Outbox("alert_outbox")
LOCK_TTL_SECONDS = 60


@dataclass
class CycleReport:
    due: int = 0
    evaluated: int = 0
    triggered: int = 0
    resolved: int = 0
    skipped: int = 0
    invalid: int = 0
    queries: int = 0
    duration_ms: float = 0.0
    alert_ids: list[str] = field(default_factory=list)


@dataclass
class Prepared:
    row: Row
    rule: RuleDefinition
    spec: DataSpec

    @property
    def id(self) -> str:
        return str(self.row["id"])


def _lock_key(store: Store, rule_id: str) -> str:
    return store.key("alert", "eval", "lock", rule_id)


def claim(db: Database, store: Store, *, now: datetime, limit: int) -> list[Row]:
    """Take the due rules no other evaluator holds; move their next evaluation forward."""
    owner = uuid.uuid4().hex
    with db.session() as s:
        rows = repo.due_rules(s, now, limit)
        if not rows:
            return []
        pipe = store.client.pipeline()
        for r in rows:
            pipe.set(_lock_key(store, r["id"]), owner, nx=True, ex=LOCK_TTL_SECONDS)
        claimed = [r for r, ok in zip(rows, pipe.execute(), strict=True) if ok]
        repo.schedule_next(s, [(r["id"], now + timedelta(seconds=r["interval_seconds"])) for r in claimed])
    return claimed


def release(store: Store, rule_ids: list[str]) -> None:
    if rule_ids:
        store.client.delete(*[_lock_key(store, rid) for rid in rule_ids])


def prepare(s: Session, rows: list[Row]) -> tuple[list[Prepared], list[tuple[Row, str]]]:
    """Resolve each rule's chart (each distinct chart and values once) into its data spec."""
    stored: dict[str, dict[str, Any] | None] = {}
    ids = sorted({r["chart_id"] for r in rows})
    for row in s.fetch_all("SELECT id::text AS id, definition FROM charts WHERE id = ANY(%s::uuid[])", (ids,)):
        stored[row["id"]] = row["definition"]

    def load(cid: str) -> dict[str, Any] | None:
        if cid not in stored:
            stored[cid] = chart_repo.stored_definition(s, cid)
        return stored[cid]

    specs: dict[tuple[str, tuple[tuple[str, str], ...]], DataSpec | str] = {}
    ready: list[Prepared] = []
    invalid: list[tuple[Row, str]] = []
    for row in rows:
        rule = _parsed(row["id"], row["version"], row["definition"])
        values = chart_values(rule)
        key = (row["chart_id"], tuple(sorted(values.items())))
        if key not in specs:
            try:
                chart = resolve(row["chart_id"], load, values)
                specs[key] = spec_for(rule.model_copy(update={"segment_code": None}), chart)
            except errors.ValidationFailed as exc:
                specs[key] = exc.message
        spec = specs[key]
        if isinstance(spec, str):
            invalid.append((row, spec))
            continue
        if rule.segment_code is not None:
            spec = DataSpec(spec.loader_code, (rule.segment_code,), spec.aggregation, spec.bucket)
        ready.append(Prepared(row, rule, spec))
    return ready, invalid


_PARSED: dict[tuple[str, int], RuleDefinition] = {}


def _parsed(rule_id: str, version: int, definition: dict[str, Any]) -> RuleDefinition:
    """Rule definitions parsed once per version (a warm function instance keeps them)."""
    key = (rule_id, version)
    if key not in _PARSED:
        if len(_PARSED) > 100_000:
            _PARSED.clear()
        _PARSED[key] = RuleDefinition.model_validate(definition)
    return _PARSED[key]


def run_cycle(*, db: Database, store: Store, now: int | None = None, limit: int = 50_000) -> CycleReport:
    started = time.perf_counter()
    at = int(time.time()) if now is None else int(now)
    at_dt = datetime.fromtimestamp(at, UTC)
    report = CycleReport()
    rows = claim(db, store, now=at_dt, limit=limit)
    report.due = len(rows)
    if not rows:
        return report
    try:
        with db.session() as s:
            ready, invalid = prepare(s, rows)
            silences = repo.silences_overlapping(s, at_dt, at_dt + timedelta(seconds=1))
            states = repo.states_for(s, [p.id for p in ready])
        report.invalid = len(invalid)
        for row, message in invalid:
            log.warning("rule cannot be evaluated", extra={"ruleId": row["id"], "reason": message})
        groups: dict[DataSpec, list[Prepared]] = defaultdict(list)
        for p in ready:
            groups[p.spec].append(p)
        outcomes = []
        with db.session() as s:  # one read transaction for every query of the cycle
            for spec, members in groups.items():
                outcomes += _evaluate_group(s, spec, members, at, silences, states, report)
        _persist(db, outcomes, at_dt, report)
    finally:
        release(store, [r["id"] for r in rows])
    report.duration_ms = round((time.perf_counter() - started) * 1000, 1)
    metrics.evaluation_cycle(duration_seconds=report.duration_ms / 1000, evaluated=report.evaluated,
                             triggered=report.triggered, resolved=report.resolved, invalid=report.invalid)
    log.info("alert evaluation cycle", extra={k: v for k, v in report.__dict__.items() if k != "alert_ids"})
    return report


@dataclass
class Outcome:
    prepared: Prepared
    series_key: str
    candidate: Candidate
    prev: SeriesState
    new: SeriesState
    action: str | None
    silenced: bool
    prev_alert_id: str | None
    duration_ms: float


def _evaluate_group(s: Session, spec: DataSpec, members: list[Prepared], at: int, silences: list[Row],
                    states: dict[tuple[str, str], Row], report: CycleReport) -> list[Outcome]:
    lookback = max(p.rule.lookback_seconds for p in members) + 3 * (spec.step or 60)
    points = fetch(s, spec, at - lookback, at)
    report.queries += 1
    baselines: dict[str, dict[str, list[Any]]] = {}
    for compare_to in {p.rule.baseline.compare_to for p in members if p.rule.baseline}:
        window = max(p.rule.baseline.window_seconds for p in members
                     if p.rule.baseline and p.rule.baseline.compare_to == compare_to)
        baselines[compare_to] = fetch_baseline(s, spec, compare_to, first=at, last=at, window=window)
        report.queries += 1
    outcomes = []
    at_dt = datetime.fromtimestamp(at, UTC)
    for p in members:
        silenced = any_covers(silences, rule_id=p.id, loader_code=p.rule.loader_code, labels=p.rule.labels, at=at_dt)
        for key, series_points in points.items():
            t0 = time.perf_counter()
            series = to_series(series_points, p.rule.metric, spec)
            past: Series | None = None
            if p.rule.baseline:
                past = to_series(baselines[p.rule.baseline.compare_to].get(key, []), p.rule.metric, spec)
            cand = candidate(p.rule, series, at, baseline_series=past,
                             baseline_instant=baseline_instant(p.rule.baseline.compare_to) if p.rule.baseline else None)
            row = states.get((p.id, key))
            prev = SeriesState() if row is None else SeriesState(
                row["state"], int(row["since"].timestamp()),
                int(row["last_triggered_at"].timestamp()) if row["last_triggered_at"] else None,
                row["alert_id"] is not None)
            new, action = advance(prev, cand.state, t=at, rule=p.rule, silenced=silenced)
            outcomes.append(Outcome(p, key, cand, prev, new, action, silenced, row["alert_id"] if row else None,
                                    (time.perf_counter() - t0) * 1000))
            report.evaluated += 1
    return outcomes


def _persist(db: Database, outcomes: list[Outcome], at: datetime, report: CycleReport) -> None:
    """Record every outcome in one transaction (this evaluator holds all these rules), then
    publish the events it stored."""
    states, evaluations, envelopes = [], [], []
    with db.session() as s:
        for o in outcomes:
            alert_id = o.prev_alert_id if o.new.alert_open else None
            if o.action in (TRIGGER, RESOLVE):
                alert_id, envelope = _transition(s, o, at, report)
                if envelope is None and o.action == TRIGGER:
                    continue  # another evaluator fired it: leave its state alone
                envelopes += [envelope] if envelope else []
            states.append(_state_row(o, alert_id, at))
            evaluations.append(_evaluation_row(o, at))
        repo.upsert_states(s, states)
        repo.record_evaluations(s, evaluations)
    OUTBOX.flush(db, envelopes)


def _transition(s: Session, o: Outcome, at: datetime, report: CycleReport) -> tuple[str | None, Envelope | None]:
    """Open or close an alert and store its event; returns the open alert id and the event."""
    if o.action == TRIGGER:
        alert = alert_record(o, at)
        alert_id = str(uuid.uuid4())
        alert["payload"]["alertId"] = alert_id
        if not repo.open_alert(s, alert_id=alert_id, alert=alert):
            return None, None
        report.triggered += 1
        report.alert_ids.append(alert_id)
        metrics.alert_fired(severity=str(alert["payload"].get("severity", "")))
        return alert_id, OUTBOX.add(s, "alert.triggered", alert["payload"])
    closed = repo.close_alert(s, o.prev_alert_id, at) if o.prev_alert_id else None
    if closed is None:
        return None, None
    report.resolved += 1
    return None, OUTBOX.add(s, "alert.resolved", {
        "alertId": closed["alert_id"], "ruleId": closed["rule_id"], "ruleName": closed["rule_name"],
        "loaderCode": closed["loader_code"], "severity": closed["severity"], "resolvedAt": at.isoformat()})


def alert_record(o: Outcome, at: datetime) -> dict[str, Any]:
    rule, p = o.prepared.rule, o.prepared
    base = get_settings().public_base_url.rstrip("/")
    payload = {
        "alertId": None, "ruleId": p.id, "ruleName": rule.rule_name, "loaderCode": rule.loader_code,
        "severity": rule.severity, "triggeredAt": at.isoformat(), "currentValue": o.candidate.value,
        "threshold": rule.threshold, "labels": rule.labels, "chartId": rule.chart_id,
        "segmentCode": o.series_key or None, "metric": rule.metric,
        "chartUrl": f"{base}/charts/{rule.chart_id}", "ruleUrl": f"{base}/alerts/rules/{p.id}",
    }
    return {"ruleId": p.id, "ruleName": rule.rule_name, "seriesKey": o.series_key, "loaderCode": rule.loader_code,
            "segmentCode": o.series_key or None, "severity": rule.severity, "triggeredAt": at,
            "currentValue": o.candidate.value, "threshold": rule.threshold, "labels": rule.labels,
            "chartId": rule.chart_id, "payload": payload}


def _state_row(o: Outcome, alert_id: str | None, at: datetime) -> tuple[Any, ...]:
    n = o.new
    return (o.prepared.id, o.series_key, n.state, datetime.fromtimestamp(n.since or int(at.timestamp()), UTC),
            datetime.fromtimestamp(n.last_triggered_at, UTC) if n.last_triggered_at else None,
            alert_id, o.candidate.value, at)


def _evaluation_row(o: Outcome, at: datetime) -> tuple[Any, ...]:
    c = o.candidate
    details = db_adapter.json(c.details) if c.details else None
    return (o.prepared.id, o.series_key, at, o.new.state, c.state, c.value, c.score, c.held_seconds, o.silenced,
            o.action, details, round(o.duration_ms, 3))
