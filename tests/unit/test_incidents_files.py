"""Attachment checks without I/O: file names, types by content and extension, size, and
reading the three upload body formats."""

from __future__ import annotations

import base64
import json

import pytest

from vigil import errors
from vigil.incidents import filetypes, uploads

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 20
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
MAX = 1000


@pytest.mark.parametrize("name,expected", [
    ("../../etc/passwd.txt", "passwd.txt"), ("C:\\Users\\me\\shot.png", "shot.png"),
    ("weird name;rm -rf.log", "weird name_rm -rf.log"), ("  .hidden.txt ", "hidden.txt")])
def test_file_names_are_cleaned(name, expected):
    assert filetypes.clean_filename(name) == expected


@pytest.mark.parametrize("name", ["", "   ", "noext", "../", None])
def test_a_name_without_extension_is_refused(name):
    with pytest.raises(errors.ValidationFailed, match="extension"):
        filetypes.clean_filename(name)


@pytest.mark.parametrize("name,data,ctype", [
    ("a.pdf", PDF, "application/pdf"), ("a.png", PNG, "image/png"), ("a.jpg", JPG, "image/jpeg"),
    ("a.JPEG", JPG, "image/jpeg"), ("a.txt", "über\n".encode(), "text/plain"),
    ("a.log", "caf\xe9 latin-1\n".encode("latin-1"), "text/plain")])
def test_allowed_types_pass(name, data, ctype):
    assert filetypes.check(name, data, max_bytes=MAX).content_type == ctype


@pytest.mark.parametrize("name,data,found", [
    ("a.png", JPG, "jpg"), ("a.jpg", PNG, "png"), ("a.pdf", b"hello", "text"), ("a.txt", PDF, "pdf"),
    ("a.log", b"\x00\x01binary", "binary"), ("a.txt", bytes(range(1, 32)) * 10, "binary")])
def test_content_must_match_the_extension(name, data, found):
    with pytest.raises(errors.ValidationFailed, match=f"looks like {found}"):
        filetypes.check(name, data, max_bytes=MAX)


def test_other_types_empty_and_large_files_are_refused():
    with pytest.raises(errors.ValidationFailed, match="not allowed"):
        filetypes.check("a.exe", b"MZ", max_bytes=MAX)
    with pytest.raises(errors.ValidationFailed, match="empty"):
        filetypes.check("a.txt", b"", max_bytes=MAX)
    with pytest.raises(errors.PayloadTooLarge):
        filetypes.check("a.txt", b"x" * (MAX + 1), max_bytes=MAX)
    assert filetypes.check("a.txt", b"x" * MAX, max_bytes=MAX).extension == "txt"


def test_multipart_json_and_raw_bodies():
    boundary = "XyZ"
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nignored\r\n"
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"shot.png\"\r\n"
            b"Content-Type: image/png\r\n\r\n" + PNG + b"\r\n--XyZ--\r\n")
    assert uploads.parse(f"multipart/form-data; boundary={boundary}", body, filename=None,
                         max_bytes=MAX) == ("shot.png", PNG)
    as_json = json.dumps({"filename": "a.pdf", "contentBase64": base64.b64encode(PDF).decode()}).encode()
    assert uploads.parse("application/json", as_json, filename=None, max_bytes=MAX) == ("a.pdf", PDF)
    assert uploads.parse("application/octet-stream", JPG, filename="x.jpg", max_bytes=MAX) == ("x.jpg", JPG)


def test_unreadable_bodies_are_400_and_huge_ones_413():
    with pytest.raises(errors.ValidationFailed, match="filename"):
        uploads.parse("application/octet-stream", b"data", filename=None, max_bytes=MAX)
    with pytest.raises(errors.ValidationFailed, match="base64"):
        uploads.parse("application/json", b'{"filename": "a.txt", "contentBase64": "%%%"}', filename=None,
                      max_bytes=MAX)
    with pytest.raises(errors.ValidationFailed, match="'file' field"):
        uploads.parse("multipart/form-data; boundary=B",
                      b"--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--B--\r\n",
                      filename=None, max_bytes=MAX)
    with pytest.raises(errors.PayloadTooLarge):
        uploads.parse("application/octet-stream", b"x" * (MAX * 2 + 70_000), filename="a.txt", max_bytes=MAX)
