"""Incidents app: the incidents API, alert grouping from the bus, and the outbox republisher."""

from chalice import Chalice, Rate

from vigil.api import Api, ApiRequest, Page, PageQuery, Raw, Role
from vigil.db import get_database
from vigil.events.consumer import consume
from vigil.incidents import attachments, export, grouping, housekeeping, outbox, service, uploads
from vigil.incidents.schemas import (
    AddNote,
    Assign,
    AttachmentOut,
    ChangeStatus,
    ConfirmUpload,
    CreateIncident,
    DownloadLink,
    IncidentDetail,
    IncidentFilters,
    IncidentOut,
    IncidentQuery,
    TimelineEntry,
    UploadLink,
    UploadQuery,
    UploadRequest,
)
from vigil.redis import get_store
from vigil.settings import get_settings

app = Chalice(app_name="vigil-incidents")
api = Api(app)
# Uploads arrive as bytes: API Gateway (and the local gateway) must pass them base64-encoded.
app.api.binary_types.extend(["multipart/form-data", "application/octet-stream"])
UPLOAD_TYPES = ("multipart/form-data", "application/json", "application/octet-stream")


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


@api.post("/api/v1/incidents/{incident_id}/attachments", role=Role.OPERATOR, query=UploadQuery,
          response=AttachmentOut, status=201, content_types=UPLOAD_TYPES,
          summary="Upload an attachment: multipart field 'file', JSON {filename, contentBase64}, "
                  "or raw bytes with ?filename= (PDF, PNG, JPG, TXT, LOG; at most 10 MB)")
def upload_attachment(req: ApiRequest, incident_id: str) -> AttachmentOut:
    filename, data = uploads.parse(req.headers.get("content-type", ""), req.raw_body,
                                   filename=req.query.filename,
                                   max_bytes=get_settings().attachment_max_bytes)
    return attachments.upload(get_database(), incident_id=incident_id, filename=filename, data=data,
                              actor=req.user.username, audit=req.audit)


@api.post("/api/v1/incidents/{incident_id}/attachments/upload-url", role=Role.OPERATOR,
          body=UploadRequest, response=UploadLink, status=201,
          summary="A presigned PUT for a browser upload; confirm it afterwards")
def upload_link(req: ApiRequest, incident_id: str) -> UploadLink:
    link = attachments.create_upload_link(get_database(), get_store(), incident_id=incident_id,
                                          filename=req.body.filename, size_bytes=req.body.size_bytes,
                                          actor=req.user.username)
    req.audit(action="incident.attachment.upload_link", entity_type="incident", entity_id=incident_id,
              after={"uploadId": link.upload_id, "filename": link.filename})
    return link


@api.post("/api/v1/incidents/{incident_id}/attachments/confirm", role=Role.OPERATOR,
          body=ConfirmUpload, response=AttachmentOut, status=201,
          summary="Check and file an upload made through a presigned link")
def confirm_upload(req: ApiRequest, incident_id: str) -> AttachmentOut:
    return attachments.confirm_upload(get_database(), get_store(), incident_id=incident_id,
                                      upload_id=req.body.upload_id, actor=req.user.username,
                                      audit=req.audit)


@api.get("/api/v1/incidents/{incident_id}/attachments/{attachment_id}", role=Role.VIEWER,
         response=DownloadLink, summary="A presigned download link for an attachment")
def download_attachment(req: ApiRequest, incident_id: str, attachment_id: str) -> DownloadLink:
    return attachments.download_link(get_database(), incident_id=incident_id, attachment_id=attachment_id)


@api.delete("/api/v1/incidents/{incident_id}/attachments/{attachment_id}", role=Role.OPERATOR,
            status=204, summary="Delete an attachment (row and object)")
def delete_attachment(req: ApiRequest, incident_id: str, attachment_id: str) -> None:
    attachments.delete(get_database(), incident_id=incident_id, attachment_id=attachment_id,
                       actor=req.user.username, audit=req.audit)


@app.on_sqs_message(queue="incidents-alerts", batch_size=1)
def on_alert_event(event):  # noqa: ANN001, ANN201
    consume(event, consumer="incidents-alerts", handlers={
        "alert.triggered": lambda envelope: grouping.on_alert_triggered(get_database(), envelope),
        "alert.resolved": lambda envelope: grouping.on_alert_resolved(get_database(), envelope),
    })


@app.schedule(Rate(1, unit=Rate.MINUTES))
def republish_outbox(event):  # noqa: ANN001, ANN201
    outbox.republish_pending(get_database())


@app.schedule(Rate(1, unit=Rate.HOURS))
def cleanup_staged_uploads(event):  # noqa: ANN001, ANN201
    attachments.cleanup_staging()


@app.schedule(Rate(1, unit=Rate.DAYS))
def prune_bookkeeping(event):  # noqa: ANN001, ANN201
    housekeeping.prune(get_database())
