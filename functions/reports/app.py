"""Reports app: RCA PDF reports of incidents."""

from chalice import Chalice

from vigil.api import Api, ApiRequest, Role
from vigil.db import get_database
from vigil.redis import get_store
from vigil.reports import service
from vigil.reports.chartsource import from_charts_domain
from vigil.reports.schemas import GenerateRca, RcaResult

app = Chalice(app_name="vigil-reports")
api = Api(app)


@api.post("/api/v1/rca/generate", role=Role.OPERATOR, body=GenerateRca, response=RcaResult, status=201,
          summary="Generate an incident's RCA PDF; returns a download link valid 7 days")
def generate(req: ApiRequest) -> RcaResult:
    db = get_database()
    return service.generate(db, body=req.body, charts=from_charts_domain(db, get_store()),
                            actor=req.user.username, audit=req.audit)


@api.get("/api/v1/rca/reports/{report_id}", role=Role.VIEWER, response=RcaResult,
         summary="A fresh download link for a stored RCA report")
def report_link(req: ApiRequest, report_id: str) -> RcaResult:
    return service.report_link(get_database(), report_id=report_id)
