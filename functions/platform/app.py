"""Platform app: health of every dependency, the OpenAPI document and its docs page."""

from pathlib import Path

from chalice import Chalice

from vigil import aws, db, redis
from vigil.api import PUBLIC, Api, ApiRequest, Raw, openapi
from vigil.health.service import HealthReport, check
from vigil.settings import get_settings

app = Chalice(app_name="vigil-platform")
api = Api(app)

DOCS_PAGE = Path(openapi.__file__).with_name("docs.html")


def _aws_ok() -> bool:
    aws.client("events").describe_event_bus(Name=get_settings().resource_name("events"))
    return True


@api.get("/api/v1/health", role=PUBLIC, response=HealthReport,
         summary="Health of the database, Redis and AWS; 503 when any is down")
def health(req: ApiRequest) -> Raw:
    report = check({
        "database": lambda: db.get_database().ping(),
        "redis": lambda: redis.get_store().ping(),
        "aws": _aws_ok,
    })
    return Raw(report.model_dump_json(), "application/json",
               status=200 if report.status == "ok" else 503)


@api.get("/api/v1/openapi.json", role=PUBLIC, summary="This API's OpenAPI 3.1 document")
def openapi_document(req: ApiRequest) -> dict:
    return openapi.document()


@api.get("/api/v1/docs", role=PUBLIC, summary="Human-readable API reference")
def docs(req: ApiRequest) -> Raw:
    return Raw(DOCS_PAGE.read_text(), "text/html; charset=utf-8")
