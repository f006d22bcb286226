"""Demo alert rules on the demo charts."""

from __future__ import annotations

from vigil.alerting import service as alerts
from vigil.alerting.models import RuleDefinition
from vigil.db import Database
from vigil.governance.audit import AuditFn


def seed(db: Database, chart_ids: dict[str, str], *, audit: AuditFn) -> None:
    if not chart_ids:
        return
    rules = [
        {"ruleName": "Sign-in latency spike", "chartId": chart_ids["latency"], "loaderCode": "DEMO_LOGINS",
         "metric": "maxVal", "severity": "WARNING", "suppressionWindow": "30m", "labels": {"team": "identity"},
         "conditions": [{"operator": ">", "threshold": 1500, "duration": "0s"}]},
        {"ruleName": "Card payments down vs last week", "chartId": chart_ids["payments"],
         "loaderCode": "DEMO_PAYMENTS", "metric": "recCount", "segmentCode": "CARD", "severity": "HIGH",
         "labels": {"team": "payments"}, "noData": "alert",
         "baseline": {"compareTo": "lastWeek", "mode": "percent", "operator": "<", "threshold": -40,
                      "window": "1h"}},
    ]
    for body in rules:
        alerts.create_rule(db, RuleDefinition.model_validate(body), author="system", audit=audit)
