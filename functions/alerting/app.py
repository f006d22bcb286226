"""Alerting app: rules derived from charts, the evaluator schedule, history, acknowledgement,
silences and backtests.

Cadence: EventBridge schedules fire at most once a minute, so the evaluator's minute is split
into ALERT_SUBCYCLES_PER_MINUTE cycles (default 2: at :00 and :30); each cycle only evaluates
rules whose own evaluationInterval says they are due.
"""

import time
from datetime import UTC, datetime

from chalice import Chalice, Rate

from vigil.alerting import evaluator
from vigil.alerting import service as alerts
from vigil.alerting.models import RuleDefinition
from vigil.alerting.schemas import (
    AlertDetail,
    AlertOut,
    EvaluationOut,
    HistoryQuery,
    RuleOut,
    RuleQuery,
    SilenceIn,
    SilenceOut,
    SilenceQuery,
    StatusBody,
    TestBody,
    TestResult,
)
from vigil.api import Api, ApiRequest, Page, PageQuery, Role
from vigil.db import get_database
from vigil.redis import get_store
from vigil.settings import get_settings

app = Chalice(app_name="vigil-alerting")
api = Api(app)

RULES = "/api/v1/alerts/rules"


@api.get(RULES, role=Role.VIEWER, query=RuleQuery, response=Page[RuleOut],
         summary="List alert rules (search; status ACTIVE, PAUSED or FIRING; severity; loader; chart)")
def list_rules(req: ApiRequest) -> Page[RuleOut]:
    q = req.query
    items, total = alerts.list_rules(get_database(), q=q.q, status=q.status, severity=q.severity,
                                     loader_code=q.loader_code, chart_id=q.chart_id, limit=q.size,
                                     offset=q.page * q.size)
    return Page[RuleOut](items=items, total=total, page=q.page, size=q.size)


@api.post(RULES, role=Role.OPERATOR, body=RuleDefinition, response=RuleOut, status=201,
          summary="Create an alert rule on a chart")
def create_rule(req: ApiRequest) -> RuleOut:
    return alerts.create_rule(get_database(), req.body, author=req.user.username, audit=req.audit)


@api.post(RULES + "/test", role=Role.OPERATOR, body=TestBody, response=TestResult,
          summary="Backtest a rule (saved or not) over a past range, without side effects")
def test_rule(req: ApiRequest) -> TestResult:
    return alerts.test_rule(get_database(), req.body)


@api.get(RULES + "/{rule_id}", role=Role.VIEWER, response=RuleOut, summary="One rule with its series states")
def get_rule(req: ApiRequest, rule_id: str) -> RuleOut:
    return alerts.get_rule(get_database(), rule_id)


@api.put(RULES + "/{rule_id}", role=Role.OPERATOR, body=RuleDefinition, response=RuleOut, summary="Change a rule")
def update_rule(req: ApiRequest, rule_id: str) -> RuleOut:
    return alerts.update_rule(get_database(), rule_id, req.body, audit=req.audit)


@api.delete(RULES + "/{rule_id}", role=Role.OPERATOR, status=204, summary="Delete a rule and its history")
def delete_rule(req: ApiRequest, rule_id: str) -> None:
    alerts.delete_rule(get_database(), rule_id, audit=req.audit)


@api.put(RULES + "/{rule_id}/status", role=Role.OPERATOR, body=StatusBody, response=RuleOut,
         summary="Activate or pause a rule")
def rule_status(req: ApiRequest, rule_id: str) -> RuleOut:
    return alerts.set_status(get_database(), rule_id, req.body.status, audit=req.audit)


@api.get(RULES + "/{rule_id}/evaluations", role=Role.VIEWER, query=PageQuery, response=Page[EvaluationOut],
         summary="The rule's recent evaluations, newest first")
def rule_evaluations(req: ApiRequest, rule_id: str) -> Page[EvaluationOut]:
    rows, total = alerts.evaluations(get_database(), rule_id, page=req.query.page, size=req.query.size)
    return Page[EvaluationOut](items=[EvaluationOut(**r) for r in rows], total=total, page=req.query.page,
                               size=req.query.size)


@api.get("/api/v1/alerts/history", role=Role.VIEWER, query=HistoryQuery, response=Page[AlertOut],
         summary="Alerts fired, newest first (rule, severity, status, loader, time range)")
def history(req: ApiRequest) -> Page[AlertOut]:
    q = req.query
    items, total = alerts.history(
        get_database(), rule_id=q.rule_id, severity=q.severity, status=q.status, loader_code=q.loader_code,
        since=datetime.fromtimestamp(q.from_epoch, UTC) if q.from_epoch is not None else None,
        until=datetime.fromtimestamp(q.to_epoch, UTC) if q.to_epoch is not None else None,
        acknowledged=q.acknowledged, limit=q.size, offset=q.page * q.size)
    return Page[AlertOut](items=items, total=total, page=q.page, size=q.size)


@api.get("/api/v1/alerts/silences", role=Role.VIEWER, query=SilenceQuery, response=Page[SilenceOut],
         summary="Silences and maintenance windows")
def list_silences(req: ApiRequest) -> Page[SilenceOut]:
    q = req.query
    items, total = alerts.list_silences(get_database(), active=q.active, rule_id=q.rule_id, limit=q.size,
                                        offset=q.page * q.size)
    return Page[SilenceOut](items=items, total=total, page=q.page, size=q.size)


@api.post("/api/v1/alerts/silences", role=Role.OPERATOR, body=SilenceIn, response=SilenceOut, status=201,
          summary="Schedule a silence (by rule, loader or labels)")
def create_silence(req: ApiRequest) -> SilenceOut:
    return alerts.create_silence(get_database(), req.body, author=req.user.username, audit=req.audit)


@api.delete("/api/v1/alerts/silences/{silence_id}", role=Role.OPERATOR, status=204, summary="Remove a silence")
def delete_silence(req: ApiRequest, silence_id: str) -> None:
    alerts.delete_silence(get_database(), silence_id, audit=req.audit)


@api.get("/api/v1/alerts/{alert_id}", role=Role.VIEWER, response=AlertDetail, summary="One alert with its event")
def get_alert(req: ApiRequest, alert_id: str) -> AlertDetail:
    return alerts.get_alert(get_database(), alert_id)


@api.post("/api/v1/alerts/{alert_id}/acknowledge", role=Role.OPERATOR, response=AlertDetail,
          summary="Take the alert: records who and when, stops its escalation")
def acknowledge(req: ApiRequest, alert_id: str) -> AlertDetail:
    return alerts.acknowledge(get_database(), alert_id, by=req.user.username, audit=req.audit)


@app.schedule(Rate(1, unit=Rate.MINUTES))
def evaluate_rules(event: object) -> None:
    cycles = get_settings().alert_subcycles_per_minute
    start = time.time()
    for i in range(cycles):
        if i:
            time.sleep(max(0.0, start + i * 60 / cycles - time.time()))
        evaluator.run_cycle(db=get_database(), store=get_store())


@app.schedule(Rate(1, unit=Rate.MINUTES))
def republish_alert_events(event: object) -> None:
    evaluator.OUTBOX.republish_pending(get_database())


@app.schedule(Rate(1, unit=Rate.DAYS))
def purge_evaluations(event: object) -> None:
    alerts.purge_old_evaluations(get_database(), retention=get_settings().alert_evaluation_retention)
