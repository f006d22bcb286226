"""Signals app: bulk ingestion, raw reads, the query engine and its baselines, and the
daily partition/retention job."""

from chalice import Chalice, Rate

from vigil.api import Api, ApiRequest, Raw, Role
from vigil.db import get_database
from vigil.redis import get_store
from vigil.signals import baseline, query, service
from vigil.signals.schemas import BulkAccepted, BulkRequest, QueryResult, RawQuery, RawSignals, SignalQuery

app = Chalice(app_name="vigil-signals")
api = Api(app)


@api.post("/api/v1/res/signals/bulk", role=Role.OPERATOR, body=BulkRequest, response=BulkAccepted,
          status=202, summary="Upsert signal points (all valid or nothing written)")
def bulk(req: ApiRequest) -> BulkAccepted:
    return BulkAccepted(accepted=service.bulk_ingest(get_database(), items=req.body.signals, audit=req.audit))


@api.get("/api/v1/res/signals/signal/{loader_code}", role=Role.VIEWER, query=RawQuery,
         response=RawSignals, summary="Stored points of a loader in a time range")
def raw_signals(req: ApiRequest, loader_code: str) -> RawSignals:
    return service.read_raw(get_database(), loader_code=loader_code, q=req.query)


@api.get("/api/v1/signals/query", role=Role.VIEWER, query=SignalQuery, response=QueryResult,
         summary="Aggregate, bucket and downsample a loader's signals (cached)")
def signals_query(req: ApiRequest) -> Raw:
    return Raw(query.run_json(db=get_database(), store=get_store(), q=req.query), "application/json")


@api.get("/api/v1/signals/baseline", role=Role.VIEWER, query=baseline.BaselineQuery,
         response=baseline.BaselineResult,
         summary="The same query a day, a week or a calendar month earlier, on this window's times")
def signals_baseline(req: ApiRequest) -> baseline.BaselineResult:
    return baseline.run(db=get_database(), store=get_store(), q=req.query, compare_to=req.query.compare_to)


@app.schedule(Rate(1, unit=Rate.DAYS))
def maintain_partitions(event):  # noqa: ANN001, ANN201
    service.maintain_partitions(get_database())
