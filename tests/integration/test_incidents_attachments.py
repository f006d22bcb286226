"""Attachments against moto's S3: upload three ways, type checked by content and extension,
size limit, presigned download and upload, delete, and never an object without its row."""

from __future__ import annotations

import base64
import hashlib
import io
import uuid

import httpx
import pytest
from PIL import Image

from vigil import aws
from vigil.settings import get_settings

BASE = "/api/v1/incidents"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
LOG = b"2026-01-01T00:00:00Z ERROR pool exhausted\n\x1b[31mred\x1b[0m\n"


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def _jpg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 30, 200)).save(buf, format="JPEG")
    return buf.getvalue()


@pytest.fixture
def incident(operator) -> str:
    res = operator.post(BASE, {"title": f"attach {uuid.uuid4().hex[:6]}", "severity": "HIGH"})
    assert res.status == 201
    return res.body["id"]


def _keys(incident_id: str) -> list[str]:
    listing = aws.client("s3").list_objects_v2(Bucket=get_settings().resource_name("attachments"),
                                               Prefix=f"attachments/{incident_id}/")
    return sorted(o["Key"] for o in listing.get("Contents", []))


def _multipart(filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _upload_json(client, incident_id, filename, data):
    return client.post(f"{BASE}/{incident_id}/attachments",
                       {"filename": filename, "contentBase64": base64.b64encode(data).decode()})


@pytest.mark.parametrize("filename,data,ctype", [
    ("report.pdf", PDF, "application/pdf"), ("shot.png", None, "image/png"),
    ("photo.JPG", None, "image/jpeg"), ("app.log", LOG, "text/plain"),
    ("notes.txt", "naïve café\n".encode(), "text/plain")])
def test_allowed_types_are_stored_with_their_row(operator, viewer, incident, filename, data, ctype, db):
    data = data or (_png() if ctype == "image/png" else _jpg())
    res = _upload_json(operator, incident, filename, data)
    assert res.status == 201, res
    assert res.body["contentType"] == ctype and res.body["sizeBytes"] == len(data)
    assert res.body["sha256"] == hashlib.sha256(data).hexdigest()
    assert _keys(incident) == [f"attachments/{incident}/{filename}"]

    link = viewer.get(f"{BASE}/{incident}/attachments/{res.body['id']}")
    assert link.status == 200
    assert httpx.get(link.body["url"]).content == data  # the presigned URL serves the bytes

    detail = viewer.get(f"{BASE}/{incident}").body
    assert [a["filename"] for a in detail["attachments"]] == [filename]
    kinds = [e["kind"] for e in viewer.get(f"{BASE}/{incident}/timeline").body["items"]]
    assert kinds[-1] == "attachment_added"
    assert db.scalar("SELECT count(*) FROM audit_log WHERE action = 'incident.attachment.add' "
                     "AND entity_id = %s", (res.body["id"],)) == 1


def test_multipart_and_raw_uploads(operator, incident):
    body, ctype = _multipart("trace.log", LOG)
    res = operator.request("POST", f"{BASE}/{incident}/attachments", data=body, headers={"Content-Type": ctype})
    assert res.status == 201, res
    assert res.body["filename"] == "trace.log"
    png = _png()
    res = operator.request("POST", f"{BASE}/{incident}/attachments", data=png, query={"filename": "../../x.png"},
                           headers={"Content-Type": "application/octet-stream"})
    assert res.status == 201, res
    assert res.body["filename"] == "x.png"  # the path is stripped
    assert _keys(incident) == [f"attachments/{incident}/trace.log", f"attachments/{incident}/x.png"]


@pytest.mark.parametrize("filename,data,message", [
    ("malware.exe", b"MZ\x90\x00", "not allowed"),
    ("fake.png", PDF, "not PNG"),
    ("fake.pdf", b"just text\n", "not PDF"),
    ("binary.log", b"\x00\x01\x02\x03" * 50, "not LOG"),
    ("secret.txt", None, "not TXT"),
    ("empty.txt", b"", "empty"),
    ("noextension", b"hello", "extension"),
])
def test_wrong_types_are_refused_and_nothing_is_written(operator, incident, filename, data, message, db):
    data = _png() if data is None else data
    res = _upload_json(operator, incident, filename, data)
    assert res.status == 400, res
    assert message in res.body["error"]["message"]
    assert _keys(incident) == []
    assert db.scalar("SELECT count(*) FROM incident_attachments WHERE incident_id = %s::uuid", (incident,)) == 0


def test_too_large_is_413_and_nothing_is_written(operator, incident, db):
    big = b"a" * (10 * 1024 * 1024 + 1)
    res = operator.request("POST", f"{BASE}/{incident}/attachments", data=big, query={"filename": "big.log"},
                           headers={"Content-Type": "application/octet-stream"})
    assert res.status == 413, res
    assert _keys(incident) == []
    exactly = b"b" * (10 * 1024 * 1024)
    res = operator.request("POST", f"{BASE}/{incident}/attachments", data=exactly,
                           query={"filename": "max.log"}, headers={"Content-Type": "application/octet-stream"})
    assert res.status == 201, res


def test_unknown_incident_and_duplicate_names(operator, incident):
    assert _upload_json(operator, str(uuid.uuid4()), "a.txt", b"hi").status == 404
    assert _upload_json(operator, incident, "a.txt", b"hi").status == 201
    again = _upload_json(operator, incident, "a.txt", b"other content")
    assert again.status == 409
    # the first object is intact
    obj = aws.client("s3").get_object(Bucket=get_settings().resource_name("attachments"),
                                      Key=f"attachments/{incident}/a.txt")
    assert obj["Body"].read() == b"hi"


def test_a_failing_row_removes_the_object(operator, incident, db, monkeypatch):
    from vigil.incidents import attachments
    from vigil.incidents import repository as repo

    def broken_insert(*a, **kw):
        raise RuntimeError("database went away")

    monkeypatch.setattr(repo, "insert_attachment", broken_insert)
    with pytest.raises(RuntimeError):
        attachments.upload(db, incident_id=incident, filename="x.txt", data=b"hello", actor="t")
    assert _keys(incident) == []


def test_delete_removes_row_and_object_and_is_audited(operator, viewer, incident, db):
    created = _upload_json(operator, incident, "gone.txt", b"bye").body
    assert viewer.delete(f"{BASE}/{incident}/attachments/{created['id']}").status == 403
    assert operator.delete(f"{BASE}/{incident}/attachments/{created['id']}").status == 204
    assert _keys(incident) == []
    assert operator.get(f"{BASE}/{incident}/attachments/{created['id']}").status == 404
    assert operator.delete(f"{BASE}/{incident}/attachments/{created['id']}").status == 404
    audit = db.fetch_one("SELECT before FROM audit_log WHERE action = 'incident.attachment.delete' "
                         "AND entity_id = %s", (created["id"],))
    assert audit["before"]["filename"] == "gone.txt"
    kinds = [e["kind"] for e in operator.get(f"{BASE}/{incident}/timeline").body["items"]]
    assert kinds[-2:] == ["attachment_added", "attachment_deleted"]


def test_presigned_upload_then_confirm(operator, incident, db):
    link = operator.post(f"{BASE}/{incident}/attachments/upload-url", {"filename": "screen.png", "sizeBytes": 100})
    assert link.status == 201, link
    png = _png()
    put = httpx.put(link.body["url"], content=png)
    assert put.status_code == 200
    done = operator.post(f"{BASE}/{incident}/attachments/confirm", {"uploadId": link.body["uploadId"]})
    assert done.status == 201, done
    assert done.body["contentType"] == "image/png"
    assert _keys(incident) == [f"attachments/{incident}/screen.png"]
    # the staging object is gone, and the upload id cannot be confirmed twice
    staged = aws.client("s3").list_objects_v2(Bucket=get_settings().resource_name("attachments"),
                                              Prefix=f"uploads/{incident}/")
    assert staged.get("KeyCount", 0) == 0
    assert operator.post(f"{BASE}/{incident}/attachments/confirm",
                         {"uploadId": link.body["uploadId"]}).status == 404


def test_presigned_upload_with_the_wrong_content_is_refused(operator, incident):
    assert operator.post(f"{BASE}/{incident}/attachments/upload-url",
                         {"filename": "x.exe", "sizeBytes": 10}).status == 400
    assert operator.post(f"{BASE}/{incident}/attachments/upload-url",
                         {"filename": "x.log", "sizeBytes": 11 * 1024 * 1024}).status == 413
    link = operator.post(f"{BASE}/{incident}/attachments/upload-url", {"filename": "doc.pdf", "sizeBytes": 10})
    httpx.put(link.body["url"], content=b"not a pdf at all")
    res = operator.post(f"{BASE}/{incident}/attachments/confirm", {"uploadId": link.body["uploadId"]})
    assert res.status == 400 and "not PDF" in res.body["error"]["message"]
    assert _keys(incident) == []
    staged = aws.client("s3").list_objects_v2(Bucket=get_settings().resource_name("attachments"),
                                              Prefix=f"uploads/{incident}/")
    assert staged.get("KeyCount", 0) == 0
