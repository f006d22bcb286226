"""Dashboards app: chart definitions (templates, extension, data, ECharts) and dashboards,
both versioned with diff and rollback, plus dashboards as code."""

from typing import Any

from chalice import Chalice

from vigil.api import Api, ApiRequest, Page, PageQuery, Role
from vigil.charts import data
from vigil.charts import service as charts
from vigil.charts.models import ChartDefinition
from vigil.charts.schemas import (
    ChartOut,
    ChartQuery,
    ChartWrite,
    DiffOut,
    DiffQuery,
    RangeQuery,
    RollbackBody,
    VersionDetail,
    VersionOut,
)
from vigil.dashboards import service as dashboards
from vigil.dashboards import transfer
from vigil.dashboards.models import DashboardOut, DashboardQuery, DashboardView, DashboardWrite, ImportBody
from vigil.db import get_database
from vigil.redis import get_store
from vigil.signals.schemas import QueryResult
from vigil.versioning import VersionStore

app = Chalice(app_name="vigil-dashboards")
api = Api(app)

CHARTS = "/api/v1/charts"
DASHBOARDS = "/api/v1/dashboards"


# -- chart definitions -----------------------------------------------------------------------

@api.get(f"{CHARTS}/schema", role=Role.VIEWER, summary="JSON Schema of a chart definition")
def chart_schema(req: ApiRequest) -> dict[str, Any]:
    return ChartDefinition.model_json_schema(by_alias=True)


@api.get(CHARTS, role=Role.VIEWER, query=ChartQuery, response=Page[ChartOut],
         summary="List chart definitions (search, templates, type)")
def list_charts(req: ApiRequest) -> Page[ChartOut]:
    q = req.query
    items, total = charts.list_charts(get_database(), q=q.q, template=q.template, chart_type=q.chart_type,
                                      page=q.page, size=q.size)
    return Page[ChartOut](items=items, total=total, page=q.page, size=q.size)


@api.post(CHARTS, role=Role.OPERATOR, body=ChartWrite, response=ChartOut, status=201,
          summary="Create a chart definition")
def create_chart(req: ApiRequest) -> ChartOut:
    return charts.create_chart(get_database(), req.body, author=req.user.username, audit=req.audit)


@api.get(CHARTS + "/{chart_id}", role=Role.VIEWER, response=ChartOut, summary="One chart definition as stored")
def get_chart(req: ApiRequest, chart_id: str) -> ChartOut:
    return charts.get_chart(get_database(), chart_id)


@api.put(CHARTS + "/{chart_id}", role=Role.OPERATOR, body=ChartWrite, response=ChartOut,
         summary="Change a chart definition (creates a version)")
def update_chart(req: ApiRequest, chart_id: str) -> ChartOut:
    return charts.update_chart(get_database(), chart_id, req.body, author=req.user.username, audit=req.audit)


@api.delete(CHARTS + "/{chart_id}", role=Role.OPERATOR, status=204,
            summary="Delete a chart (409 listing dashboards, charts and rules that use it)")
def delete_chart(req: ApiRequest, chart_id: str) -> None:
    charts.delete_chart(get_database(), chart_id, audit=req.audit)


@api.post(CHARTS + "/{chart_id}/duplicate", role=Role.OPERATOR, response=ChartOut, status=201,
          summary="Copy a chart definition")
def duplicate_chart(req: ApiRequest, chart_id: str) -> ChartOut:
    return charts.duplicate_chart(get_database(), chart_id, author=req.user.username, audit=req.audit)


@api.get(CHARTS + "/{chart_id}/resolved", role=Role.VIEWER,
         summary="The definition after extension and parameter substitution (var-<name>=value)")
def resolved_chart(req: ApiRequest, chart_id: str) -> dict[str, Any]:
    values = {k[4:]: v for k, v in _query_params(req).items() if k.startswith("var-")}
    return charts.resolve_chart(get_database(), chart_id, values).model_dump(mode="json", by_alias=True)


@api.get(CHARTS + "/{chart_id}/data", role=Role.VIEWER, query=RangeQuery, response=QueryResult,
         summary="The chart's data: the signals query of its resolved definition (var-<name>=value)")
def chart_data(req: ApiRequest, chart_id: str) -> QueryResult:
    _, result = data.chart_data(db=get_database(), store=get_store(), chart_id=chart_id,
                                from_epoch=req.query.from_epoch, to_epoch=req.query.to_epoch,
                                values=req.query.values())
    return result


@api.get(CHARTS + "/{chart_id}/echarts", role=Role.VIEWER, query=RangeQuery,
         summary="An Apache ECharts option rendering the chart over the range")
def chart_echarts(req: ApiRequest, chart_id: str) -> dict[str, Any]:
    return data.chart_echarts(db=get_database(), store=get_store(), chart_id=chart_id,
                              from_epoch=req.query.from_epoch, to_epoch=req.query.to_epoch,
                              values=req.query.values())


def _query_params(req: ApiRequest) -> dict[str, str]:
    request = app.current_request
    return dict(request.query_params or {}) if request is not None else {}


# -- versions, shared by charts and dashboards -------------------------------------------------

def _version_routes(base: str, store: VersionStore, rollback: Any, out_model: Any, key: str) -> None:
    @api.get(base + "/{entity_id}/versions", role=Role.VIEWER, query=PageQuery, response=Page[VersionOut],
             summary=f"Version history of a {store.kind}, newest first")
    def versions(req: ApiRequest, entity_id: str) -> Page[VersionOut]:
        rows, total = store.history(get_database(), entity_id, page=req.query.page, size=req.query.size)
        return Page[VersionOut](items=[VersionOut(**r) for r in rows], total=total, page=req.query.page,
                                size=req.query.size)

    @api.get(base + "/{entity_id}/versions/diff", role=Role.VIEWER, query=DiffQuery, response=DiffOut,
             summary=f"What changed between two versions of a {store.kind}")
    def version_diff(req: ApiRequest, entity_id: str) -> DiffOut:
        changes = store.compare(get_database(), entity_id, req.query.from_, req.query.to)
        return DiffOut(from_version=req.query.from_, to_version=req.query.to, changes=changes)

    @api.get(base + "/{entity_id}/versions/{version}", role=Role.VIEWER, response=VersionDetail,
             summary=f"One version of a {store.kind}")
    def version(req: ApiRequest, entity_id: str, version: str) -> VersionDetail:
        return VersionDetail(**store.detail(get_database(), entity_id, _version_number(version)))

    @api.post(base + "/{entity_id}/rollback/{version}", role=Role.OPERATOR, response=out_model,
              summary=f"Make a new version of a {store.kind} equal to an old one")
    def rollback_to(req: ApiRequest, entity_id: str, version: str) -> Any:
        message = None
        if req.raw_body.strip():
            message = RollbackBody.model_validate_json(req.raw_body).message
        return rollback(get_database(), entity_id, _version_number(version), author=req.user.username,
                        message=message, audit=req.audit)

    for fn in (versions, version_diff, version, rollback_to):
        fn.__name__ = f"{key}_{fn.__name__}"


def _version_number(raw: str) -> int:
    from vigil import errors

    if not raw.isdigit() or int(raw) < 1:
        raise errors.ValidationFailed("the version must be a positive whole number",
                                      details=[{"field": "path.version", "message": "not a version number"}])
    return int(raw)


_version_routes(CHARTS, charts.VERSIONS, charts.rollback_chart, ChartOut, "chart")
_version_routes(DASHBOARDS, dashboards.VERSIONS, dashboards.rollback_dashboard, DashboardOut, "dashboard")


# -- dashboards ------------------------------------------------------------------------------

@api.get(DASHBOARDS, role=Role.VIEWER, query=DashboardQuery, response=Page[DashboardOut], summary="List dashboards")
def list_dashboards(req: ApiRequest) -> Page[DashboardOut]:
    q = req.query
    items, total = dashboards.list_dashboards(get_database(), q=q.q, page=q.page, size=q.size)
    return Page[DashboardOut](items=items, total=total, page=q.page, size=q.size)


@api.post(DASHBOARDS, role=Role.OPERATOR, body=DashboardWrite, response=DashboardOut, status=201,
          summary="Create a dashboard")
def create_dashboard(req: ApiRequest) -> DashboardOut:
    return dashboards.create_dashboard(get_database(), req.body, author=req.user.username, audit=req.audit)


@api.post(DASHBOARDS + "/import", role=Role.OPERATOR, body=ImportBody, response=DashboardOut, status=201,
          summary="Import a dashboard document (as new copies, or over the same ids)")
def import_dashboard(req: ApiRequest) -> DashboardOut:
    return transfer.import_dashboard(get_database(), req.body.document, mode=req.body.mode,
                                     author=req.user.username, audit=req.audit)


@api.get(DASHBOARDS + "/{dashboard_id}", role=Role.VIEWER, response=DashboardView,
         summary="A dashboard with its charts resolved (variables as var-<name>=value)")
def get_dashboard(req: ApiRequest, dashboard_id: str) -> DashboardView:
    values = {k[4:]: v for k, v in _query_params(req).items() if k.startswith("var-")}
    return dashboards.view_dashboard(get_database(), dashboard_id, values)


@api.put(DASHBOARDS + "/{dashboard_id}", role=Role.OPERATOR, body=DashboardWrite, response=DashboardOut,
         summary="Change a dashboard (creates a version)")
def update_dashboard(req: ApiRequest, dashboard_id: str) -> DashboardOut:
    return dashboards.update_dashboard(get_database(), dashboard_id, req.body, author=req.user.username,
                                       audit=req.audit)


@api.delete(DASHBOARDS + "/{dashboard_id}", role=Role.OPERATOR, status=204, summary="Delete a dashboard")
def delete_dashboard(req: ApiRequest, dashboard_id: str) -> None:
    dashboards.delete_dashboard(get_database(), dashboard_id, audit=req.audit)


@api.post(DASHBOARDS + "/{dashboard_id}/duplicate", role=Role.OPERATOR, response=DashboardOut, status=201,
          summary="Copy a dashboard")
def duplicate_dashboard(req: ApiRequest, dashboard_id: str) -> DashboardOut:
    return dashboards.duplicate_dashboard(get_database(), dashboard_id, author=req.user.username, audit=req.audit)


@api.get(DASHBOARDS + "/{dashboard_id}/export", role=Role.VIEWER,
         summary="The dashboard and every chart it needs as one JSON document")
def export_dashboard(req: ApiRequest, dashboard_id: str) -> dict[str, Any]:
    return transfer.export_dashboard(get_database(), dashboard_id)
