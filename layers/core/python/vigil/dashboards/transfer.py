"""Dashboards as code: one JSON document holding a dashboard and every chart it needs
(including the charts they extend), importable as new copies or over the same ids."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from vigil import errors
from vigil.api.errors import validation_details
from vigil.charts import repository as chart_repo
from vigil.charts import service as charts
from vigil.charts.schemas import ChartWrite
from vigil.dashboards import service as dashboards
from vigil.dashboards.models import DashboardOut, DashboardWrite
from vigil.db import Database
from vigil.governance.audit import AuditFn

FORMAT = "vigil.dashboard/v1"


def export_dashboard(db: Database, dashboard_id: str) -> dict[str, Any]:
    dash = dashboards.get_dashboard(db, dashboard_id)
    ordered: list[dict[str, Any]] = []
    seen: set[str] = set()
    with db.session() as s:
        def add(chart_id: str) -> None:  # parents first, so an import can create in order
            if chart_id in seen:
                return
            seen.add(chart_id)
            definition = chart_repo.stored_definition(s, chart_id)
            if definition is None:
                raise errors.Conflict(f"chart {chart_id} of this dashboard no longer exists")
            if definition.get("extends"):
                add(definition["extends"])
            ordered.append({"id": chart_id, "definition": definition})

        for item in dash.definition.get("charts", []):
            add(item["chartId"])
    return {"format": FORMAT, "exportedAt": datetime.now(UTC).isoformat(),
            "dashboard": {"id": dash.id, **dash.definition}, "charts": ordered}


def import_dashboard(db: Database, document: dict[str, Any], *, mode: str, author: str,
                     audit: AuditFn) -> DashboardOut:
    if document.get("format") != FORMAT:
        raise errors.ValidationFailed(f"not a dashboard export: format must be {FORMAT!r}",
                                      details=[{"field": "body.document.format", "message": "unknown format"}])
    raw_charts = document.get("charts")
    raw_dash = document.get("dashboard")
    if not isinstance(raw_charts, list) or not isinstance(raw_dash, dict):
        raise errors.ValidationFailed("the document needs 'dashboard' (object) and 'charts' (list)")
    new_ids = {str(c.get("id")): (str(uuid.uuid4()) if mode == "new" else str(c.get("id"))) for c in raw_charts}

    def remap(chart_id: str | None) -> str | None:
        return None if chart_id is None else new_ids.get(chart_id, chart_id)

    for i, entry in enumerate(raw_charts):
        try:
            stored = entry["definition"]
            body = ChartWrite.model_validate({**stored, "extends": remap(stored.get("extends")), "message": "imported"})
        except (ValidationError, KeyError, TypeError) as exc:
            details = validation_details(exc, prefix=f"body.document.charts[{i}]") if isinstance(
                exc, ValidationError) else [{"field": f"body.document.charts[{i}]", "message": "not a chart"}]
            raise errors.ValidationFailed("a chart of the document is not valid", details=details) from exc
        target = new_ids[str(entry["id"])]
        if mode == "overwrite" and _chart_exists(db, target):
            if charts.get_chart(db, target).definition != charts.stored_form(body):
                charts.update_chart(db, target, body, author=author, audit=audit)
        else:
            charts.create_chart_with_id(db, body, chart_id=target, author=author, audit=audit)
    try:
        dash_body = DashboardWrite.model_validate({
            **{k: v for k, v in raw_dash.items() if k != "id"}, "message": "imported",
            "charts": [{**c, "chartId": remap(c.get("chartId"))} for c in raw_dash.get("charts", [])]})
    except ValidationError as exc:
        raise errors.ValidationFailed("the dashboard of the document is not valid",
                                      details=validation_details(exc, prefix="body.document.dashboard")) from exc
    dash_id = str(raw_dash.get("id")) if mode == "overwrite" and raw_dash.get("id") else None
    if dash_id and _dashboard_exists(db, dash_id):
        return dashboards.update_dashboard(db, dash_id, dash_body, author=author, audit=audit,
                                           action="dashboard.import")
    return dashboards.create_dashboard(db, dash_body, author=author, audit=audit, dashboard_id=dash_id)


def _chart_exists(db: Database, chart_id: str) -> bool:
    with db.session() as s:
        return chart_repo.get(s, chart_id) is not None


def _dashboard_exists(db: Database, dashboard_id: str) -> bool:
    with db.session() as s:
        return s.scalar("SELECT EXISTS (SELECT 1 FROM dashboards WHERE id = %s)", (dashboard_id,)) is True
