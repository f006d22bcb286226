"""Incidents app: the incidents API, alert grouping from the bus, and the outbox republisher."""

from chalice import Chalice, Rate

from vigil.api import Api, ApiRequest, Page, PageQuery, Raw, Role
from vigil.db import get_database
from vigil.events.consumer import consume
from vigil.incidents import export, grouping, outbox, service
from vigil.incidents.schemas import (
    AddNote,
    Assign,
    ChangeStatus,
    CreateIncident,
    IncidentDetail,
    IncidentFilters,
    IncidentOut,
    IncidentQuery,
    TimelineEntry,
)

app = Chalice(app_name="vigil-incidents")
api = Api(app)


@api.post("/api/v1/incidents", role=Role.OPERATOR, body=CreateIncident, response=IncidentOut,
          status=201, summary="Open an incident by hand")
def create_incident(req: ApiRequest) -> IncidentOut:
    return service.create(get_database(), body=req.body, actor=req.user.username, audit=req.audit)


@api.get("/api/v1/incidents", role=Role.VIEWER, query=IncidentQuery, response=Page[IncidentOut],
         summary="List incidents: filters and full-text search over title, description and notes")
def list_incidents(req: ApiRequest) -> Page[IncidentOut]:
    q = req.query
    items, total = service.search(get_database(), filters=q, page=q.page, size=q.size)
    return Page[IncidentOut](items=items, total=total, page=q.page, size=q.size)


@api.get("/api/v1/incidents/export.csv", role=Role.VIEWER, query=IncidentFilters,
         summary="The filtered incident list as CSV")
def export_csv(req: ApiRequest) -> Raw:
    body = export.export(get_database(), filters=req.query)
    return Raw(body, "text/csv; charset=utf-8",
               headers={"Content-Disposition": 'attachment; filename="incidents.csv"'})


@api.get("/api/v1/incidents/{incident_id}", role=Role.VIEWER, response=IncidentDetail,
         summary="One incident with its alerts, attachments, reports and ticket link")
def get_incident(req: ApiRequest, incident_id: str) -> IncidentDetail:
    return service.get_detail(get_database(), incident_id=incident_id)


@api.put("/api/v1/incidents/{incident_id}/status", role=Role.OPERATOR, body=ChangeStatus,
         response=IncidentOut, summary="Move along NEW → INVESTIGATING → RESOLVED → CLOSED (or reopen)")
def change_status(req: ApiRequest, incident_id: str) -> IncidentOut:
    b = req.body
    return service.change_status(get_database(), incident_id=incident_id, status=b.status, note=b.note,
                                 reason=b.reason, actor=req.user.username, audit=req.audit)


@api.put("/api/v1/incidents/{incident_id}/assign", role=Role.OPERATOR, body=Assign,
         response=IncidentOut, summary="Assign (or unassign) the incident")
def assign(req: ApiRequest, incident_id: str) -> IncidentOut:
    return service.assign(get_database(), incident_id=incident_id, assignee=req.body.assignee,
                          actor=req.user.username, audit=req.audit)


@api.post("/api/v1/incidents/{incident_id}/notes", role=Role.OPERATOR, body=AddNote,
          response=TimelineEntry, status=201, summary="Add an investigation note")
def add_note(req: ApiRequest, incident_id: str) -> TimelineEntry:
    return service.add_note(get_database(), incident_id=incident_id, text=req.body.text,
                            actor=req.user.username, audit=req.audit)


@api.get("/api/v1/incidents/{incident_id}/timeline", role=Role.VIEWER, query=PageQuery,
         response=Page[TimelineEntry], summary="Everything that happened to the incident, oldest first")
def timeline(req: ApiRequest, incident_id: str) -> Page[TimelineEntry]:
    q = req.query
    items, total = service.timeline(get_database(), incident_id=incident_id, page=q.page, size=q.size)
    return Page[TimelineEntry](items=items, total=total, page=q.page, size=q.size)


@app.on_sqs_message(queue="incidents-alerts", batch_size=1)
def on_alert_event(event):  # noqa: ANN001, ANN201
    consume(event, consumer="incidents-alerts", handlers={
        "alert.triggered": lambda envelope: grouping.on_alert_triggered(get_database(), envelope),
        "alert.resolved": lambda envelope: grouping.on_alert_resolved(get_database(), envelope),
    })


@app.schedule(Rate(1, unit=Rate.MINUTES))
def republish_outbox(event):  # noqa: ANN001, ANN201
    outbox.republish_pending(get_database())
