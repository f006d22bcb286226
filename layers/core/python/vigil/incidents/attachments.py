"""Incident attachments in the `attachments` bucket under `attachments/{incidentId}/{name}`.

Object and row never drift apart: an upload writes the object, then the row in a transaction,
and removes the object again if the transaction does not commit; a delete removes the row and
the object in one transaction (the row comes back if S3 refuses). Browser uploads may go
straight to S3 with a presigned PUT to a staging key, then `confirm` checks the content and
files it exactly like a direct upload. On AWS use the presigned path for files above a few
MB: a Lambda request body is limited to 6 MB (base64 makes a 4.5 MB file that large).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from vigil import aws, errors
from vigil.db import Database
from vigil.incidents import filetypes, service
from vigil.incidents import repository as repo
from vigil.incidents.models import Kind
from vigil.incidents.schemas import AttachmentOut, DownloadLink, UploadLink
from vigil.logging import get_logger
from vigil.redis import Store
from vigil.settings import get_settings

log = get_logger(__name__)

BUCKET = "attachments"
STAGING_PREFIX = "uploads/"


def bucket_name() -> str:
    return get_settings().resource_name(BUCKET)


def object_key(incident_id: str, filename: str) -> str:
    return f"attachments/{incident_id}/{filename}"


def upload(db: Database, *, incident_id: str, filename: str | None, data: bytes, actor: str,
           audit: service.AuditFn | None = None) -> AttachmentOut:
    name = filetypes.clean_filename(filename)
    ftype = filetypes.check(name, data, max_bytes=get_settings().attachment_max_bytes)
    iid = service.check_id(incident_id)
    key = object_key(iid, name)
    s3 = aws.client("s3")
    written = False
    try:
        with db.session() as s:
            service.load(s, iid, lock=True)  # 404 before any write; serialises uploads per incident
            if repo.attachment_named(s, iid, name) is not None:
                raise errors.Conflict(f"the incident already has an attachment named {name!r}",
                                      details=[{"field": "filename", "message": "choose another name"}])
            _s3(lambda: s3.put_object(Bucket=bucket_name(), Key=key, Body=data, ContentType=ftype.content_type))
            written = True
            row = repo.insert_attachment(
                s, incident_id=iid, filename=name, content_type=ftype.content_type, size_bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(), object_key=key, uploaded_by=actor)
            out = service.attachment_out(row)
            repo.add_timeline(s, iid, actor=actor, kind=Kind.ATTACHMENT_ADDED, detail={
                "attachmentId": out.id, "filename": name, "sizeBytes": len(data),
                "contentType": ftype.content_type})
            service.record_audit(audit, s, actor=actor, action="incident.attachment.add",
                                 entity_type="incident_attachment", entity_id=out.id, after=out)
    except BaseException:
        if written:
            _delete_quietly(key)
        raise
    return out


def download_link(db: Database, *, incident_id: str, attachment_id: str) -> DownloadLink:
    with db.session() as s:
        row = repo.attachment(s, service.check_id(incident_id),
                              service.check_id(attachment_id, what="attachment"))
    if row is None:
        raise errors.NotFound(f"attachment {attachment_id} of incident {incident_id} not found")
    ttl = get_settings().attachment_url_ttl_seconds
    url = _s3(lambda: aws.client("s3").generate_presigned_url("get_object", ExpiresIn=ttl, Params={
        "Bucket": bucket_name(), "Key": row["object_key"], "ResponseContentType": row["content_type"],
        "ResponseContentDisposition": f'attachment; filename="{row["filename"]}"'}))
    return DownloadLink(url=url, expires_at=datetime.now(UTC) + timedelta(seconds=ttl),
                        attachment=service.attachment_out(row))


def delete(db: Database, *, incident_id: str, attachment_id: str, actor: str,
           audit: service.AuditFn | None = None) -> None:
    iid = service.check_id(incident_id)
    with db.session() as s:
        service.load(s, iid, lock=True)
        row = repo.attachment(s, iid, service.check_id(attachment_id, what="attachment"), lock=True)
        if row is None:
            raise errors.NotFound(f"attachment {attachment_id} of incident {incident_id} not found")
        repo.delete_attachment(s, row["id"])
        repo.add_timeline(s, iid, actor=actor, kind=Kind.ATTACHMENT_DELETED,
                          detail={"attachmentId": row["id"], "filename": row["filename"]})
        service.record_audit(audit, s, actor=actor, action="incident.attachment.delete",
                             entity_type="incident_attachment", entity_id=row["id"],
                             before=service.attachment_out(row))
        # Last step inside the transaction: if S3 refuses, the row deletion rolls back.
        _s3(lambda: aws.client("s3").delete_object(Bucket=bucket_name(), Key=row["object_key"]))


# -- presigned upload, then confirm -------------------------------------------------------------

def create_upload_link(db: Database, store: Store, *, incident_id: str, filename: str, size_bytes: int,
                       actor: str) -> UploadLink:
    settings = get_settings()
    name = filetypes.clean_filename(filename)
    filetypes.extension_of(name)
    if size_bytes > settings.attachment_max_bytes:
        raise errors.PayloadTooLarge(
            f"the attachment is {size_bytes} bytes; at most {settings.attachment_max_bytes} are allowed")
    iid = service.check_id(incident_id)
    with db.session() as s:
        service.load(s, iid)
    upload_id = str(uuid.uuid4())
    staging = f"{STAGING_PREFIX}{iid}/{upload_id}/{name}"
    ttl = settings.attachment_url_ttl_seconds
    store.client.set(store.key("incidents", "upload", upload_id),
                     json.dumps({"incidentId": iid, "filename": name, "key": staging, "actor": actor}),
                     ex=ttl + 300)
    url = _s3(lambda: aws.client("s3").generate_presigned_url(
        "put_object", ExpiresIn=ttl, Params={"Bucket": bucket_name(), "Key": staging}))
    return UploadLink(upload_id=upload_id, url=url, method="PUT", filename=name,
                      expires_at=datetime.now(UTC) + timedelta(seconds=ttl))


def confirm_upload(db: Database, store: Store, *, incident_id: str, upload_id: str, actor: str,
                   audit: service.AuditFn | None = None) -> AttachmentOut:
    iid = service.check_id(incident_id)
    raw = store.client.get(store.key("incidents", "upload", upload_id))
    pending: dict[str, Any] = json.loads(raw) if raw else {}
    if pending.get("incidentId") != iid:
        raise errors.NotFound(f"upload {upload_id} of incident {incident_id} not found (or expired)")
    s3 = aws.client("s3")
    max_bytes = get_settings().attachment_max_bytes
    try:
        try:
            head = s3.head_object(Bucket=bucket_name(), Key=pending["key"])
        except aws.ClientErrorType as exc:
            raise errors.ValidationFailed("nothing was uploaded to the link yet",
                                          details=[{"field": "uploadId", "message": "upload first"}]) from exc
        if int(head["ContentLength"]) > max_bytes:
            raise errors.PayloadTooLarge(
                f"the attachment is {head['ContentLength']} bytes; at most {max_bytes} are allowed")
        data = _s3(lambda: s3.get_object(Bucket=bucket_name(), Key=pending["key"])["Body"].read())
        out = upload(db, incident_id=iid, filename=pending["filename"], data=data, actor=actor, audit=audit)
    finally:
        _delete_quietly(pending["key"])
    store.client.delete(store.key("incidents", "upload", upload_id))
    return out


def cleanup_staging(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete staged uploads nobody confirmed (scheduled)."""
    s3 = aws.client("s3")
    cutoff = datetime.now(UTC) - older_than
    removed = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket_name(), Prefix=STAGING_PREFIX):
        for obj in page.get("Contents", []):
            if obj["LastModified"] < cutoff:
                _delete_quietly(obj["Key"])
                removed += 1
    return removed


def _s3(call: Any) -> Any:
    try:
        return call()
    except aws.AwsError as exc:
        raise errors.DependencyUnavailable(f"object storage failed: {exc}") from exc


def _delete_quietly(key: str) -> None:
    try:
        aws.client("s3").delete_object(Bucket=bucket_name(), Key=key)
    except aws.AwsError:
        log.exception("could not remove object", extra={"key": key})
