"""Chart definitions: create, change (each change a version), resolve, duplicate, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vigil import errors
from vigil.charts import repository as repo
from vigil.charts.models import DATA_SOURCES, ChartDefinition, ResolvedChart
from vigil.charts.resolve import check_stored, merged_definition, resolve
from vigil.charts.schemas import ChartOut, ChartWrite
from vigil.db import Database, Row, Session
from vigil.governance.audit import AuditFn
from vigil.versioning import VersionStore

VERSIONS = VersionStore("charts", "chart_versions", "chart")


def chart_out(row: Row) -> ChartOut:
    return ChartOut(**{k: row[k] for k in ChartOut.model_fields})


def stored_form(body: ChartDefinition) -> dict[str, Any]:
    return body.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"message"})


def _validate(s: Session, definition: dict[str, Any], *, chart_id: str | None) -> None:
    """Everything a definition must satisfy on save: complete once merged, no cycle, and a data
    source that points somewhere."""
    check_stored(ChartDefinition.model_validate(definition))

    probe_id = chart_id or "00000000-0000-0000-0000-000000000000"  # a new chart has no id yet

    def load(cid: str) -> dict[str, Any] | None:
        return definition if cid == probe_id else repo.stored_definition(s, cid)

    merged = merged_definition(probe_id, load)
    source = merged.get("dataSource") or {}
    if (source.get("service"), source.get("endpoint")) not in DATA_SOURCES:
        raise errors.ValidationFailed(
            "the data source points nowhere",
            details=[{"field": "body.dataSource.endpoint",
                      "message": f"unknown data source {source.get('service')} {source.get('endpoint')}; "
                                 "use service 'signals' with endpoint '/api/v1/signals/query'"}])
    loader = (source.get("params") or {}).get("loaderCode")
    if loader is None:
        raise errors.ValidationFailed("the data source needs a loaderCode",
                                      details=[{"field": "body.dataSource.params.loaderCode", "message": "required"}])
    if isinstance(loader, str) and "${" not in loader and not repo.loader_exists(s, loader):
        raise errors.ValidationFailed(
            f"loader {loader} does not exist",
            details=[{"field": "body.dataSource.params.loaderCode", "message": f"no loader {loader}"}])


def create_chart(db: Database, body: ChartWrite, *, author: str, audit: AuditFn) -> ChartOut:
    return create_chart_with_id(db, body, chart_id=None, author=author, audit=audit)


def create_chart_with_id(db: Database, body: ChartWrite, *, chart_id: str | None, author: str,
                         audit: AuditFn) -> ChartOut:
    """Create a chart; `chart_id` keeps a given id (importing dashboards as code)."""
    definition = stored_form(body)
    with db.session() as s:
        _validate(s, definition, chart_id=chart_id)
        row = repo.insert(s, definition=definition, author=author, chart_id=chart_id)
        VERSIONS.record(s, entity_id=row["id"], version=1, definition=definition, author=author,
                        message=body.message or "created")
        out = chart_out(row)
        audit(action="chart.create", entity_type="chart", entity_id=out.id, after=out, session=s)
    return out


def update_chart(db: Database, chart_id: str, body: ChartWrite, *, author: str, audit: AuditFn) -> ChartOut:
    return _save(db, chart_id, stored_form(body), author=author, message=body.message or "updated",
                 action="chart.update", audit=audit)


def _save(db: Database, chart_id: str, definition: dict[str, Any], *, author: str, message: str,
          action: str, audit: AuditFn) -> ChartOut:
    with db.session() as s:
        before = repo.get(s, chart_id, for_update=True)
        if before is None:
            raise errors.NotFound(f"chart {chart_id} not found")
        _validate(s, definition, chart_id=chart_id)
        row = repo.update(s, chart_id, definition=definition, author=author)
        VERSIONS.record(s, entity_id=chart_id, version=row["version"], definition=definition, author=author,
                        message=message)
        out = chart_out(row)
        audit(action=action, entity_type="chart", entity_id=chart_id, before=chart_out(before), after=out, session=s)
    return out


def get_chart(db: Database, chart_id: str) -> ChartOut:
    with db.session() as s:
        row = repo.get(s, chart_id)
    if row is None:
        raise errors.NotFound(f"chart {chart_id} not found")
    return chart_out(row)


def list_charts(db: Database, *, q: str | None, template: bool | None, chart_type: str | None,
                page: int, size: int) -> tuple[list[ChartOut], int]:
    with db.session() as s:
        rows, total = repo.search(s, q=q, template=template, chart_type=chart_type, limit=size,
                                  offset=page * size)
    return [chart_out(r) for r in rows], total


def resolve_chart(db: Database, chart_id: str, values: Mapping[str, str] | None = None) -> ResolvedChart:
    with db.session() as s:
        if repo.get(s, chart_id) is None:
            raise errors.NotFound(f"chart {chart_id} not found")
        return resolve(chart_id, lambda cid: repo.stored_definition(s, cid), values)


def duplicate_chart(db: Database, chart_id: str, *, author: str, audit: AuditFn) -> ChartOut:
    source = get_chart(db, chart_id)
    name = f"Copy of {source.definition['chartName']}"[:200]
    copy = ChartWrite.model_validate({**source.definition, "chartName": name,
                                      "message": f"duplicated from {chart_id} v{source.version}"})
    return create_chart(db, copy, author=author, audit=audit)


def delete_chart(db: Database, chart_id: str, *, audit: AuditFn) -> None:
    with db.session() as s:
        before = repo.get(s, chart_id, for_update=True)
        if before is None:
            raise errors.NotFound(f"chart {chart_id} not found")
        using = repo.dependents(s, chart_id)
        if using:
            names = ", ".join(f"{d['type']} '{d['name']}'" for d in using)
            raise errors.Conflict(f"chart is used by {names}; remove those uses first",
                                  details=[{"field": None, "message": d["type"], **d} for d in using])
        repo.delete(s, chart_id)
        audit(action="chart.delete", entity_type="chart", entity_id=chart_id, before=chart_out(before), session=s)


def rollback_chart(db: Database, chart_id: str, version: int, *, author: str, message: str | None,
                   audit: AuditFn) -> ChartOut:
    with db.session() as s:
        target = VERSIONS.get(s, chart_id, version)
    return _save(db, chart_id, target["definition"], author=author,
                 message=message or f"rollback to version {version}", action="chart.rollback", audit=audit)
