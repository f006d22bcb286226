"""Attachment checks, free of I/O: a safe file name, and a type proven by content as well as
by extension (PDF, PNG, JPG, TXT, LOG only)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from vigil import errors

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg",
                 "jpeg": "image/jpeg", "txt": "text/plain", "log": "text/plain"}
_MAGIC = (("pdf", b"%PDF-"), ("png", b"\x89PNG\r\n\x1a\n"), ("jpg", b"\xff\xd8\xff"))
_KIND = {"pdf": "pdf", "png": "png", "jpg": "jpg", "jpeg": "jpg", "txt": "text", "log": "text"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._() -]+")
# Control bytes a text or log file may contain: tab, LF, CR, form feed, ESC (ANSI colours).
_TEXT_CONTROLS = set(b"\t\n\r\x0c\x1b")
_CONTROL_SHARE = 0.01


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


def _fail(message: str) -> errors.ValidationFailed:
    return errors.ValidationFailed(message, details=[{"field": "file", "message": message}])


def clean_filename(name: str | None) -> str:
    """The last path segment with unsafe characters replaced; it must keep an extension."""
    base = re.split(r"[\\/]", (name or "").strip())[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    if len(base) > 180:
        stem, _, ext = base.rpartition(".")
        base = f"{stem[:170]}.{ext[:8]}"
    if not base or "." not in base:
        raise errors.ValidationFailed(
            "the attachment needs a file name with an extension",
            details=[{"field": "filename", "message": "e.g. app.log, screenshot.png"}])
    return base


def extension_of(filename: str) -> str:
    ext = filename.rpartition(".")[2].lower()
    if ext not in CONTENT_TYPES:
        raise _fail(f"file type .{ext} is not allowed; allowed: PDF, PNG, JPG, TXT, LOG")
    return ext


def sniff(data: bytes) -> str:
    """'pdf' | 'png' | 'jpg' | 'text' | 'binary' from the bytes themselves."""
    for kind, magic in _MAGIC:
        if data.startswith(magic):
            return kind
    sample = data[: 256 * 1024]
    if b"\x00" in sample:
        return "binary"
    controls = sum(1 for b in sample if (b < 0x20 and b not in _TEXT_CONTROLS) or b == 0x7F)
    return "text" if controls <= len(sample) * _CONTROL_SHARE else "binary"


def check(filename: str, data: bytes, *, max_bytes: int) -> FileType:
    """Raise PayloadTooLarge above `max_bytes`, ValidationFailed for an empty file, a type we
    do not take, or content that is not what the extension says."""
    if len(data) > max_bytes:
        raise errors.PayloadTooLarge(f"the attachment is {len(data)} bytes; at most {max_bytes} are allowed")
    if not data:
        raise _fail("the attachment is empty")
    ext = extension_of(filename)
    found = sniff(data)
    if found != _KIND[ext]:
        raise _fail(f"the content of {filename} is not {ext.upper()} (it looks like {found})")
    return FileType(ext, CONTENT_TYPES[ext])
