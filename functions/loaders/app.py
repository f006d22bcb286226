"""Loaders app: source databases, segments, loader definitions, preview, run now, history;
the schedule that queues due loaders and the queue handler that runs them."""

from datetime import UTC, datetime

from chalice import Chalice, Rate

from vigil.api import Api, ApiRequest, Page, Role
from vigil.db import get_database
from vigil.events.catalog import Envelope, LoaderRunRequested
from vigil.events.consumer import consume, max_receives
from vigil.loaders import runner, segments_service, service, sources_service
from vigil.loaders.schemas import (
    CreateLoader,
    CreateSegment,
    CreateSource,
    ExecutionOut,
    ExecutionQuery,
    LoaderOut,
    LoaderQuery,
    OverrideRequest,
    PreviewOut,
    PreviewRequest,
    RunAccepted,
    SegmentOut,
    SegmentQuery,
    SourceOut,
    SourceQuery,
    SourceTestResult,
    UpdateLoader,
    UpdateSegment,
    UpdateSource,
)
from vigil.redis import get_store
from vigil.settings import get_settings

app = Chalice(app_name="vigil-loaders")
api = Api(app)

SOURCES = "/api/v1/admin/res/db-sources"
LOADERS = "/api/v1/res/loaders/loaders"
SEGMENTS = "/api/v1/res/segments"


# -- source databases ----------------------------------------------------------------------

@api.get(SOURCES, role=Role.OPERATOR, query=SourceQuery, response=Page[SourceOut],
         summary="List source databases (passwords masked)")
def list_sources(req: ApiRequest) -> Page[SourceOut]:
    q = req.query
    items, total = sources_service.list_sources(get_database(), q=q.q, type_=q.type, page=q.page, size=q.size)
    return Page[SourceOut](items=items, total=total, page=q.page, size=q.size)


@api.post(SOURCES, role=Role.ADMIN, body=CreateSource, response=SourceOut, status=201,
          summary="Add a source database; its read-only compliance is inspected at once")
def create_source(req: ApiRequest) -> SourceOut:
    return sources_service.create_source(get_database(), req.body, audit=req.audit)


@api.get(SOURCES + "/{source_id}", role=Role.OPERATOR, response=SourceOut, summary="One source database")
def get_source(req: ApiRequest, source_id: str) -> SourceOut:
    return sources_service.get_source(get_database(), source_id)


@api.put(SOURCES + "/{source_id}", role=Role.ADMIN, body=UpdateSource, response=SourceOut,
         summary="Change a source; an omitted or \"***\" password keeps the stored one")
def update_source(req: ApiRequest, source_id: str) -> SourceOut:
    return sources_service.update_source(get_database(), source_id, req.body, audit=req.audit)


@api.delete(SOURCES + "/{source_id}", role=Role.ADMIN, status=204,
            summary="Delete a source database (409 while loaders use it)")
def delete_source(req: ApiRequest, source_id: str) -> None:
    sources_service.delete_source(get_database(), source_id, audit=req.audit)


@api.post(SOURCES + "/{source_id}/test", role=Role.OPERATOR, response=SourceTestResult,
          summary="Test the connection and refresh the read-only compliance")
def test_source(req: ApiRequest, source_id: str) -> SourceTestResult:
    return sources_service.test_source(get_database(), source_id, audit=req.audit)


@api.post(SOURCES + "/{source_id}/compliance-override", role=Role.ADMIN, body=OverrideRequest,
          response=SourceOut, summary="Let loaders use this non-compliant source (reason required, audited)")
def override_compliance(req: ApiRequest, source_id: str) -> SourceOut:
    return sources_service.set_override(get_database(), source_id, reason=req.body.reason,
                                        actor=req.user.username, audit=req.audit)


@api.delete(SOURCES + "/{source_id}/compliance-override", role=Role.ADMIN, response=SourceOut,
            summary="Withdraw the compliance override")
def remove_override(req: ApiRequest, source_id: str) -> SourceOut:
    return sources_service.set_override(get_database(), source_id, reason=None, actor=req.user.username,
                                        audit=req.audit)


# -- segments ------------------------------------------------------------------------------

@api.get(SEGMENTS, role=Role.VIEWER, query=SegmentQuery, response=Page[SegmentOut],
         summary="The segments dictionary")
def list_segments(req: ApiRequest) -> Page[SegmentOut]:
    q = req.query
    items, total = segments_service.list_segments(get_database(), q=q.q, page=q.page, size=q.size)
    return Page[SegmentOut](items=items, total=total, page=q.page, size=q.size)


@api.post(SEGMENTS, role=Role.OPERATOR, body=CreateSegment, response=SegmentOut, status=201,
          summary="Add a segment code")
def create_segment(req: ApiRequest) -> SegmentOut:
    return segments_service.create_segment(get_database(), req.body, audit=req.audit)


@api.get(SEGMENTS + "/{segment_code}", role=Role.VIEWER, response=SegmentOut, summary="One segment")
def get_segment(req: ApiRequest, segment_code: str) -> SegmentOut:
    return segments_service.get_segment(get_database(), segment_code)


@api.put(SEGMENTS + "/{segment_code}", role=Role.OPERATOR, body=UpdateSegment, response=SegmentOut,
         summary="Change a segment's description")
def update_segment(req: ApiRequest, segment_code: str) -> SegmentOut:
    return segments_service.update_segment(get_database(), segment_code, description=req.body.description,
                                           audit=req.audit)


@api.delete(SEGMENTS + "/{segment_code}", role=Role.OPERATOR, status=204,
            summary="Delete a segment (409 while loaders list it)")
def delete_segment(req: ApiRequest, segment_code: str) -> None:
    segments_service.delete_segment(get_database(), segment_code, audit=req.audit)


# -- loaders -------------------------------------------------------------------------------

def _reveal(req: ApiRequest) -> bool:
    return req.user.role.includes(Role.OPERATOR)


@api.get(LOADERS, role=Role.VIEWER, query=LoaderQuery, response=Page[LoaderOut],
         summary="List loaders with their last run (search, enabled filter)")
def list_loaders(req: ApiRequest) -> Page[LoaderOut]:
    q = req.query
    items, total = service.list_loaders(get_database(), q=q.q, enabled=q.enabled, source_id=q.source_database_id,
                                        page=q.page, size=q.size, reveal_sql=_reveal(req))
    return Page[LoaderOut](items=items, total=total, page=q.page, size=q.size)


@api.post(LOADERS, role=Role.OPERATOR, body=CreateLoader, response=LoaderOut, status=201,
          summary="Create a loader (the SQL must be one read-only SELECT)")
def create_loader(req: ApiRequest) -> LoaderOut:
    return service.create_loader(get_database(), req.body, audit=req.audit)


@api.post("/api/v1/res/loaders/preview", role=Role.OPERATOR, body=PreviewRequest, response=PreviewOut,
          summary="Preview unsaved SQL on a source: first 100 rows, nothing written")
def preview_sql(req: ApiRequest) -> PreviewOut:
    return service.preview(get_database(), req.body)


@api.get(LOADERS + "/{code}", role=Role.VIEWER, response=LoaderOut,
         summary="One loader; loaderSql is shown to OPERATOR and ADMIN only")
def get_loader(req: ApiRequest, code: str) -> LoaderOut:
    return service.get_loader(get_database(), code, reveal_sql=_reveal(req))


@api.put(LOADERS + "/{code}", role=Role.OPERATOR, body=UpdateLoader, response=LoaderOut,
         summary="Change a loader")
def update_loader(req: ApiRequest, code: str) -> LoaderOut:
    return service.update_loader(get_database(), code, req.body, audit=req.audit)


@api.delete(LOADERS + "/{code}", role=Role.OPERATOR, status=204,
            summary="Delete a loader and its run history (its signals are kept)")
def delete_loader(req: ApiRequest, code: str) -> None:
    service.delete_loader(get_database(), code, audit=req.audit)


@api.post(LOADERS + "/{code}/pause", role=Role.OPERATOR, response=LoaderOut, summary="Stop scheduling it")
def pause_loader(req: ApiRequest, code: str) -> LoaderOut:
    return service.set_enabled(get_database(), code, enabled=False, audit=req.audit)


@api.post(LOADERS + "/{code}/resume", role=Role.OPERATOR, response=LoaderOut, summary="Schedule it again")
def resume_loader(req: ApiRequest, code: str) -> LoaderOut:
    return service.set_enabled(get_database(), code, enabled=True, audit=req.audit)


@api.post(LOADERS + "/{code}/run", role=Role.OPERATOR, response=RunAccepted, status=202,
          summary="Run now; follow it in the executions")
def run_loader(req: ApiRequest, code: str) -> RunAccepted:
    return RunAccepted(execution_id=service.request_run(get_database(), code, audit=req.audit))


@api.post(LOADERS + "/{code}/preview", role=Role.OPERATOR, response=PreviewOut,
          summary="Preview the saved SQL: first 100 rows, nothing written")
def preview_loader(req: ApiRequest, code: str) -> PreviewOut:
    return service.preview_saved(get_database(), code)


@api.get(LOADERS + "/{code}/executions", role=Role.VIEWER, query=ExecutionQuery, response=Page[ExecutionOut],
         summary="Run history, newest first (50 per page by default)")
def list_executions(req: ApiRequest, code: str) -> Page[ExecutionOut]:
    q = req.query
    items, total = service.list_executions(get_database(), code, status=q.status, page=q.page, size=q.size)
    return Page[ExecutionOut](items=items, total=total, page=q.page, size=q.size)


@api.get(LOADERS + "/{code}/executions/{execution_id}", role=Role.VIEWER, response=ExecutionOut,
         summary="One run (follow a run-now by its executionId)")
def get_execution(req: ApiRequest, code: str, execution_id: str) -> ExecutionOut:
    return service.get_execution(get_database(), code, execution_id)


# -- execution -----------------------------------------------------------------------------

@app.schedule(Rate(1, unit=Rate.MINUTES))
def run_due_loaders(event):  # noqa: ANN001, ANN201
    runner.enqueue_due(get_database(), get_store(), now=datetime.now(UTC))


def _run(envelope: Envelope) -> None:
    msg = LoaderRunRequested.model_validate(envelope.payload)
    runner.execute(get_database(), get_store(), loader_code=msg.loader_code, execution_id=msg.execution_id,
                   trigger=msg.trigger, attempt=msg.attempt,
                   max_attempts=max_receives(get_settings().resource_name(runner.QUEUE)))


@app.on_sqs_message(queue=runner.QUEUE, batch_size=1)
def on_loader_run(event):  # noqa: ANN001, ANN201
    consume(event, consumer="loaders-run", handlers={"loader.run.requested": _run})
