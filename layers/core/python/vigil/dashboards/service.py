"""Dashboards: create, change (each change a version), view with charts resolved, duplicate,
delete, roll back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vigil import errors
from vigil.charts import repository as chart_repo
from vigil.charts.resolve import resolve
from vigil.dashboards import layout
from vigil.dashboards import repository as repo
from vigil.dashboards.models import DashboardDefinition, DashboardOut, DashboardView, DashboardWrite, ResolvedItem
from vigil.db import Database, Row, Session
from vigil.governance.audit import AuditFn
from vigil.versioning import VersionStore

VERSIONS = VersionStore("dashboards", "dashboard_versions", "dashboard")


def dashboard_out(row: Row) -> DashboardOut:
    return DashboardOut(**{k: row[k] for k in DashboardOut.model_fields})


def _stored(body: DashboardDefinition) -> dict[str, Any]:
    return body.model_dump(mode="json", by_alias=True, exclude={"message"}, exclude_none=True)


def variable_values(definition: DashboardDefinition, given: Mapping[str, str] | None = None) -> dict[str, str]:
    values = {v.name: v.default for v in definition.variables if v.default is not None}
    values.update({k: v for k, v in (given or {}).items() if v is not None})
    return values


def _validate(s: Session, body: DashboardDefinition) -> None:
    layout.check(body.charts)
    ids = [c.chart_id for c in body.charts]
    known = repo.existing_charts(s, ids)
    missing = [{"field": f"body.charts[{i}].chartId", "message": f"no chart {cid}"}
               for i, cid in enumerate(ids) if cid not in known]
    if missing:
        raise errors.ValidationFailed("the dashboard places charts that do not exist", details=missing)
    values = variable_values(body)
    for i, item in enumerate(body.charts):
        try:
            resolve(item.chart_id, lambda cid: chart_repo.stored_definition(s, cid), {**values, **item.params})
        except errors.ValidationFailed as exc:
            raise errors.ValidationFailed(
                f"charts[{i}]: {exc.message}",
                details=[{**d, "field": f"body.charts[{i}].{d['field']}"} for d in exc.details] or
                [{"field": f"body.charts[{i}]", "message": exc.message}]) from exc


def create_dashboard(db: Database, body: DashboardWrite, *, author: str, audit: AuditFn,
                     dashboard_id: str | None = None) -> DashboardOut:
    definition = _stored(body)
    with db.session() as s:
        _validate(s, body)
        row = repo.insert(s, definition=definition, author=author, dashboard_id=dashboard_id)
        VERSIONS.record(s, entity_id=row["id"], version=1, definition=definition, author=author,
                        message=body.message or "created")
        out = dashboard_out(row)
        audit(action="dashboard.create", entity_type="dashboard", entity_id=out.id, after=out, session=s)
    return out


def update_dashboard(db: Database, dashboard_id: str, body: DashboardWrite, *, author: str, audit: AuditFn,
                     action: str = "dashboard.update") -> DashboardOut:
    definition = _stored(body)
    with db.session() as s:
        before = repo.get(s, dashboard_id, for_update=True)
        if before is None:
            raise errors.NotFound(f"dashboard {dashboard_id} not found")
        _validate(s, body)
        row = repo.update(s, dashboard_id, definition=definition, author=author)
        VERSIONS.record(s, entity_id=dashboard_id, version=row["version"], definition=definition, author=author,
                        message=body.message or "updated")
        out = dashboard_out(row)
        audit(action=action, entity_type="dashboard", entity_id=dashboard_id, before=dashboard_out(before),
              after=out, session=s)
    return out


def get_dashboard(db: Database, dashboard_id: str) -> DashboardOut:
    with db.session() as s:
        row = repo.get(s, dashboard_id)
    if row is None:
        raise errors.NotFound(f"dashboard {dashboard_id} not found")
    return dashboard_out(row)


def view_dashboard(db: Database, dashboard_id: str, given: Mapping[str, str] | None = None) -> DashboardView:
    """The dashboard with every chart resolved under the effective variable values. A chart that
    no longer resolves is reported on its placement instead of failing the whole dashboard."""
    out = get_dashboard(db, dashboard_id)
    definition = DashboardDefinition.model_validate(out.definition)
    values = variable_values(definition, given)
    items = []
    with db.session() as s:
        for item in definition.charts:
            resolved = ResolvedItem(chart_id=item.chart_id, x=item.x, y=item.y, w=item.w, h=item.h, title=item.title)
            try:
                chart = resolve(item.chart_id, lambda cid: chart_repo.stored_definition(s, cid),
                                {**values, **item.params})
                resolved.chart = chart.model_dump(mode="json", by_alias=True)
            except errors.ValidationFailed as exc:
                resolved.error = {"message": exc.message, "details": exc.details}
            items.append(resolved)
    return DashboardView(**out.model_dump(), resolved_charts=items, effective_variables=values)


def list_dashboards(db: Database, *, q: str | None, page: int, size: int) -> tuple[list[DashboardOut], int]:
    with db.session() as s:
        rows, total = repo.search(s, q=q, limit=size, offset=page * size)
    return [dashboard_out(r) for r in rows], total


def duplicate_dashboard(db: Database, dashboard_id: str, *, author: str, audit: AuditFn) -> DashboardOut:
    source = get_dashboard(db, dashboard_id)
    body = DashboardWrite.model_validate({**source.definition, "name": f"Copy of {source.name}"[:200],
                                          "message": f"duplicated from {dashboard_id} v{source.version}"})
    return create_dashboard(db, body, author=author, audit=audit)


def delete_dashboard(db: Database, dashboard_id: str, *, audit: AuditFn) -> None:
    with db.session() as s:
        before = repo.get(s, dashboard_id, for_update=True)
        if before is None:
            raise errors.NotFound(f"dashboard {dashboard_id} not found")
        repo.delete(s, dashboard_id)
        audit(action="dashboard.delete", entity_type="dashboard", entity_id=dashboard_id,
              before=dashboard_out(before), session=s)


def rollback_dashboard(db: Database, dashboard_id: str, version: int, *, author: str, message: str | None,
                       audit: AuditFn) -> DashboardOut:
    with db.session() as s:
        target = VERSIONS.get(s, dashboard_id, version)
    body = DashboardWrite.model_validate({**target["definition"],
                                          "message": message or f"rollback to version {version}"})
    return update_dashboard(db, dashboard_id, body, author=author, audit=audit, action="dashboard.rollback")
