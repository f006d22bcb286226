"""Generate an incident's RCA report: gather, render, store the PDF, list it on the incident.

Nothing is written unless everything resolves: unknown incident or chart → 404 before any
object exists. The object goes first, then its row (with timeline entry and audit) in one
transaction; if that transaction fails the object is removed again.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from vigil import aws, errors
from vigil.db import Database
from vigil.incidents import repository as incidents_repo
from vigil.incidents import service as incidents
from vigil.incidents.models import Kind
from vigil.incidents.timeline import summarize
from vigil.logging import get_logger
from vigil.reports import pdf
from vigil.reports.chartsource import ChartSource
from vigil.reports.models import AlertRow, ChartData, ReportContent, TimelineRow
from vigil.reports.schemas import GenerateRca, RcaResult
from vigil.settings import get_settings

log = get_logger(__name__)

BUCKET = "rca-reports"


def bucket_name() -> str:
    return get_settings().resource_name(BUCKET)


def gather(db: Database, *, body: GenerateRca, charts: ChartSource, actor: str) -> ReportContent:
    with db.session() as s:
        row = incidents.load(s, body.incident_id)
        incident = incidents.incident_out(row).model_dump()
        timeline_rows, _ = incidents_repo.timeline(s, row["id"], limit=500, offset=0)
        alert_rows = incidents_repo.alerts(s, row["id"])
    alerts = []
    for a in alert_rows:
        p = a["payload"] or {}
        alerts.append((AlertRow(alert_id=a["alert_id"], rule_name=a["rule_name"] or a["rule_id"] or a["alert_id"],
                                severity=a["severity"] or "", triggered_at=a["triggered_at"],
                                resolved_at=a["resolved_at"], current_value=p.get("currentValue"),
                                threshold=p.get("threshold")), a["chart_id"], a["loader_code"]))
    def draw(chart_ids: list[str]) -> list[ChartData]:
        return charts(chart_ids=chart_ids, from_epoch=body.time_range.from_, to_epoch=body.time_range.to,
                      alerts=alerts)

    if body.chart_ids:
        drawn = draw(body.chart_ids)  # an unknown id fails the report
    else:
        # No charts chosen: draw the charts the incident's alerts came from, skipping any
        # that were deleted since.
        drawn = []
        for chart_id in dict.fromkeys(cid for _, cid, _ in alerts if cid):
            try:
                drawn += draw([chart_id])
            except errors.NotFound:
                log.info("alert chart no longer exists", extra={"chartId": chart_id})
    notes = [str(t["detail"].get("text", "")) for t in timeline_rows if t["kind"] == Kind.NOTE]
    return ReportContent(
        incident=incident, generated_at=datetime.now(UTC), generated_by=actor,
        range_from=datetime.fromtimestamp(body.time_range.from_, UTC),
        range_to=datetime.fromtimestamp(body.time_range.to, UTC),
        timeline=[TimelineRow(t["at"], t["actor"], summarize(t["kind"], t["detail"])) for t in timeline_rows],
        alerts=[a for a, _, _ in alerts], charts=drawn, investigation_notes=notes,
        extra_notes=(body.notes or "").strip(), root_cause=(body.root_cause or "").strip(),
        recommendations=[r.strip() for r in body.recommendations or [] if r.strip()],
    )


def generate(db: Database, *, body: GenerateRca, charts: ChartSource, actor: str,
             audit: incidents.AuditFn | None = None) -> RcaResult:
    content = gather(db, body=body, charts=charts, actor=actor)
    document = pdf.render(content)
    incident_id = content.incident["id"]
    report_id = str(uuid.uuid4())
    chart_ids = [c.chart_id for c in content.charts]
    key = f"rca/{incident_id}/{report_id}.pdf"
    s3 = aws.client("s3")
    try:
        s3.put_object(Bucket=bucket_name(), Key=key, Body=document, ContentType="application/pdf")
    except aws.AwsError as exc:
        raise errors.DependencyUnavailable(f"object storage failed: {exc}") from exc
    try:
        with db.session() as s:
            incidents.load(s, incident_id, lock=True)
            row = incidents_repo.insert_report(
                s, report_id=report_id, incident_id=incident_id, object_key=key, size_bytes=len(document),
                chart_ids=chart_ids, range_from=content.range_from, range_to=content.range_to,
                created_by=actor)
            incidents_repo.add_timeline(s, incident_id, actor=actor, kind=Kind.REPORT_GENERATED,
                                        detail={"reportId": report_id, "chartIds": chart_ids})
            incidents.record_audit(audit, s, actor=actor, action="incident.rca.generate",
                                   entity_type="incident_report", entity_id=report_id,
                                   after=incidents.report_out(row))
    except BaseException:
        try:
            s3.delete_object(Bucket=bucket_name(), Key=key)
        except aws.AwsError:
            log.exception("could not remove report object", extra={"key": key})
        raise
    return link(key=key, report_id=report_id)


def link(*, key: str, report_id: str) -> RcaResult:
    ttl = get_settings().rca_url_ttl_seconds
    try:
        url = aws.client("s3").generate_presigned_url(
            "get_object", ExpiresIn=ttl, Params={
                "Bucket": bucket_name(), "Key": key, "ResponseContentType": "application/pdf",
                "ResponseContentDisposition": f'inline; filename="rca-{report_id}.pdf"'})
    except aws.AwsError as exc:
        raise errors.DependencyUnavailable(f"object storage failed: {exc}") from exc
    return RcaResult(report_id=report_id, url=url, expires_at=datetime.now(UTC) + timedelta(seconds=ttl))


def report_link(db: Database, *, report_id: str) -> RcaResult:
    with db.session() as s:
        row = incidents_repo.report(s, incidents.check_id(report_id, what="report"))
    if row is None:
        raise errors.NotFound(f"report {report_id} not found")
    return link(key=row["object_key"], report_id=row["id"])
