"""Read an uploaded file from a request body: multipart/form-data (field `file`), JSON with
base64 content, or raw bytes with the name in the query. No I/O."""

from __future__ import annotations

import base64
import binascii
import json
from email import policy
from email.parser import BytesParser

from vigil import errors


def parse(content_type: str, body: bytes, *, filename: str | None, max_bytes: int) -> tuple[str, bytes]:
    """(file name, content) of an upload; bodies far above `max_bytes` are refused unread."""
    # base64 inflates by 4/3; anything beyond that plus form overhead is too large already.
    if len(body) > max_bytes * 4 // 3 + 64 * 1024:
        raise errors.PayloadTooLarge(f"the upload is larger than {max_bytes} bytes")
    media = content_type.split(";")[0].strip().lower()
    if media == "multipart/form-data":
        return _multipart(content_type, body)
    if media == "application/json":
        return _json(body)
    if not filename:
        raise errors.ValidationFailed(
            "a raw upload needs ?filename=", details=[{"field": "query.filename", "message": "required"}])
    return filename, body


def _multipart(content_type: str, body: bytes) -> tuple[str, bytes]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise errors.ValidationFailed("the multipart body could not be read")
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            payload = part.get_payload(decode=True)
            return part.get_filename() or "", payload if isinstance(payload, bytes) else b""
    raise errors.ValidationFailed("the form has no 'file' field",
                                  details=[{"field": "file", "message": "required"}])


def _json(body: bytes) -> tuple[str, bytes]:
    try:
        data = json.loads(body)
        name, content = data["filename"], data["contentBase64"]
        return str(name), base64.b64decode(str(content), validate=True)
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise errors.ValidationFailed(
            "send {\"filename\": ..., \"contentBase64\": ...} with valid base64",
            details=[{"field": "body.contentBase64", "message": str(exc)[:200]}]) from exc
