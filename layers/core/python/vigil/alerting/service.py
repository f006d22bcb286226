"""Alert rules, their history, acknowledgement and silences."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from vigil import durations, errors
from vigil.alerting import repository as repo
from vigil.alerting.backtest import backtest
from vigil.alerting.data import chart_values, spec_for
from vigil.alerting.evaluator import OUTBOX
from vigil.alerting.models import RuleDefinition, consistency_problems
from vigil.alerting.schemas import AlertDetail, AlertOut, RuleOut, SilenceIn, SilenceOut, TestBody, TestResult
from vigil.charts.service import resolve_chart
from vigil.db import Database, Row, Session
from vigil.governance.audit import AuditFn


def rule_out(row: Row, states: list[Row] | None = None) -> RuleOut:
    states = states or []
    return RuleOut(
        id=row["id"], version=row["version"], status=row["status"], definition=row["definition"],
        firing=any(s["state"] == "FIRING" for s in states), created_by=row["created_by"],
        created_at=row["created_at"], updated_at=row["updated_at"],
        states=[{"seriesKey": s["series_key"], "state": s["state"], "since": s["since"].isoformat(),
                 "lastValue": s["last_value"], "evaluatedAt": s["evaluated_at"].isoformat(),
                 "alertId": s["alert_id"]} for s in states],
    )


def _check(db: Database, rule: RuleDefinition) -> None:
    problems = consistency_problems(rule)
    if problems:
        raise errors.ValidationFailed("the rule is not consistent", details=problems)
    try:
        chart = resolve_chart(db, rule.chart_id, chart_values(rule))
    except errors.NotFound as exc:
        raise errors.ValidationFailed(exc.message, details=[{"field": "body.chartId", "message": "no such chart"}]
                                      ) from exc
    except errors.ValidationFailed as exc:
        raise errors.ValidationFailed(f"the rule's chart does not resolve: {exc.message}",
                                      details=[{"field": "body.chartParams", "message": exc.message}]) from exc
    spec_for(rule, chart)


def _stored(rule: RuleDefinition) -> dict[str, Any]:
    return rule.model_dump(mode="json", by_alias=True, exclude_none=True)


def create_rule(db: Database, rule: RuleDefinition, *, author: str, audit: AuditFn) -> RuleOut:
    _check(db, rule)
    with db.session() as s:
        row = repo.insert_rule(s, definition=_stored(rule), interval=rule.interval_seconds, author=author)
        out = rule_out(row)
        audit(action="alert_rule.create", entity_type="alert_rule", entity_id=out.id, after=out, session=s)
    return out


def _locked(s: Session, rule_id: str) -> Row:
    row = repo.get_rule(s, rule_id, for_update=True)
    if row is None:
        raise errors.NotFound(f"alert rule {rule_id} not found")
    return row


def update_rule(db: Database, rule_id: str, rule: RuleDefinition, *, audit: AuditFn) -> RuleOut:
    _check(db, rule)
    with db.session() as s:
        before = _locked(s, rule_id)
        repo.update_rule(s, rule_id, definition=_stored(rule), interval=rule.interval_seconds)
        out = rule_out(repo.get_rule(s, rule_id) or before, repo.rule_states(s, rule_id))
        audit(action="alert_rule.update", entity_type="alert_rule", entity_id=rule_id, before=rule_out(before),
              after=out, session=s)
    return out


def set_status(db: Database, rule_id: str, status: str, *, audit: AuditFn) -> RuleOut:
    with db.session() as s:
        before = _locked(s, rule_id)
        repo.set_status(s, rule_id, status)
        out = rule_out(repo.get_rule(s, rule_id) or before, repo.rule_states(s, rule_id))
        audit(action="alert_rule.status", entity_type="alert_rule", entity_id=rule_id,
              before={"status": before["status"]}, after={"status": status}, session=s)
    return out


def get_rule(db: Database, rule_id: str) -> RuleOut:
    with db.session() as s:
        row = repo.get_rule(s, rule_id)
        if row is None:
            raise errors.NotFound(f"alert rule {rule_id} not found")
        return rule_out(row, repo.rule_states(s, rule_id))


def list_rules(db: Database, **filters: Any) -> tuple[list[RuleOut], int]:
    with db.session() as s:
        rows, total = repo.search_rules(s, **filters)
        return [rule_out(r, repo.rule_states(s, r["id"])) for r in rows], total


def delete_rule(db: Database, rule_id: str, *, audit: AuditFn) -> None:
    with db.session() as s:
        before = _locked(s, rule_id)
        repo.delete_rule(s, rule_id)
        audit(action="alert_rule.delete", entity_type="alert_rule", entity_id=rule_id, before=rule_out(before),
              session=s)


def test_rule(db: Database, body: TestBody) -> TestResult:
    rule_id = body.rule_id or ""
    if body.rule_id:
        rule = RuleDefinition.model_validate(get_rule(db, body.rule_id).definition)
    else:
        assert body.rule is not None
        rule = body.rule
        _check(db, rule)
    start = datetime.fromtimestamp(body.from_epoch, UTC)
    end = datetime.fromtimestamp(body.to_epoch, UTC)
    with db.session() as s:
        silences = repo.silences_overlapping(s, start, end)
    return backtest(db, rule, from_epoch=body.from_epoch, to_epoch=body.to_epoch, rule_id=rule_id,
                    silences=silences)


def alert_out(row: Row) -> AlertOut:
    return AlertOut(**{k: row[k] for k in AlertOut.model_fields})


def get_alert(db: Database, alert_id: str) -> AlertDetail:
    with db.session() as s:
        row = repo.get_alert(s, alert_id)
    if row is None:
        raise errors.NotFound(f"alert {alert_id} not found")
    return AlertDetail(**{k: row[k] for k in AlertDetail.model_fields})


def acknowledge(db: Database, alert_id: str, *, by: str, audit: AuditFn) -> AlertDetail:
    """Record who takes the alert; `alert.acknowledged` stops its escalation. Idempotent."""
    envelopes = []
    with db.session() as s:
        before = repo.get_alert(s, alert_id, for_update=True)
        if before is None:
            raise errors.NotFound(f"alert {alert_id} not found")
        if before["acknowledged_at"] is not None:
            return AlertDetail(**{k: before[k] for k in AlertDetail.model_fields})
        at = datetime.now(UTC)
        row = repo.acknowledge(s, alert_id, by=by, at=at)
        assert row is not None
        envelopes.append(OUTBOX.add(s, "alert.acknowledged", {
            "alertId": alert_id, "ruleId": row["rule_id"], "acknowledgedBy": by, "acknowledgedAt": at.isoformat()}))
        audit(action="alert.acknowledge", entity_type="alert", entity_id=alert_id,
              before={"acknowledgedBy": None}, after={"acknowledgedBy": by, "acknowledgedAt": at.isoformat()},
              session=s)
    OUTBOX.flush(db, envelopes)
    return AlertDetail(**{k: row[k] for k in AlertDetail.model_fields})


def history(db: Database, **filters: Any) -> tuple[list[AlertOut], int]:
    with db.session() as s:
        rows, total = repo.search_alerts(s, **filters)
    return [alert_out(r) for r in rows], total


def evaluations(db: Database, rule_id: str, *, page: int, size: int) -> tuple[list[Row], int]:
    with db.session() as s:
        if repo.get_rule(s, rule_id) is None:
            raise errors.NotFound(f"alert rule {rule_id} not found")
        return repo.evaluations(s, rule_id, limit=size, offset=page * size)


def create_silence(db: Database, body: SilenceIn, *, author: str, audit: AuditFn) -> SilenceOut:
    with db.session() as s:
        if body.rule_id and repo.get_rule(s, body.rule_id) is None:
            raise errors.ValidationFailed("no such rule", details=[{"field": "body.ruleId", "message": "not found"}])
        row = repo.insert_silence(s, rule_id=body.rule_id, loader_code=body.loader_code, labels=body.labels,
                                  starts_at=body.starts_at, ends_at=body.ends_at, reason=body.reason, author=author)
        out = SilenceOut(**row)
        audit(action="silence.create", entity_type="silence", entity_id=out.id, after=out, session=s)
    return out


def list_silences(db: Database, **filters: Any) -> tuple[list[SilenceOut], int]:
    with db.session() as s:
        rows, total = repo.search_silences(s, **filters)
    return [SilenceOut(**r) for r in rows], total


def delete_silence(db: Database, silence_id: str, *, audit: AuditFn) -> None:
    with db.session() as s:
        before = repo.get_silence(s, silence_id)
        if before is None:
            raise errors.NotFound(f"silence {silence_id} not found")
        repo.delete_silence(s, silence_id)
        audit(action="silence.delete", entity_type="silence", entity_id=silence_id, before=SilenceOut(**before),
              session=s)


def purge_old_evaluations(db: Database, *, retention: str) -> int:
    cutoff = datetime.now(UTC).timestamp() - durations.seconds(retention)
    with db.session() as s:
        return repo.purge_evaluations(s, datetime.fromtimestamp(cutoff, UTC))
