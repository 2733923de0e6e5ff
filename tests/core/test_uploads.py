"""Uploads are typed by their content against an allow-list; downloads are attachments with a harmless name."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from cse.core.uploads import (
    DOWNLOAD_CSP,
    attachment_response,
    content_disposition,
    download_filename,
    sniff_content_type,
    sniff_upload,
)
from tests.support.factories import TINY_PDF

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (TINY_PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (
            _zip("[Content_Types].xml", "word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("Relazione dell'assistente sociale: è tutto in ordine.\r\n".encode(), "text/plain"),
    ],
    ids=["pdf", "png", "jpeg", "docx", "testo"],
)
def test_allowed_types_are_recognised_by_their_content(content, expected):
    assert sniff_content_type(content) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"<?xml version='1.0'?><x/>",
        b"#!/bin/sh\nrm -rf /\n",
        b"MZ\x90\x00\x03\x00\x00\x00" + bytes(64),  # a Windows executable
        b"GIF89a" + bytes(32),
        _zip("qualcosa.txt"),
        b"testo\x00binario",
        b"",
    ],
    ids=["html", "svg-con-bom", "xml", "script", "exe", "gif", "zip", "binario", "vuoto"],
)
def test_markup_scripts_and_unlisted_types_are_refused(content):
    assert sniff_content_type(content) is None
    with pytest.raises(ValidationError, match="Formato non ammesso"):
        sniff_upload(io.BytesIO(content))


def test_sniffing_leaves_the_file_at_its_start():
    upload = io.BytesIO(TINY_PDF)
    sniff_upload(upload)
    assert upload.read() == TINY_PDF


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("isee.pdf", "application/pdf", "isee.pdf"),
        ("FOTO.JPEG", "image/jpeg", "FOTO.JPEG"),
        ("pagina.html", "text/plain", "pagina.html.txt"),
        ("../../etc/passwd", "text/plain", "passwd.txt"),
        ("C:\\Users\\x\\relazione.docx", "application/pdf", "relazione.docx.pdf"),
        ('a"b;\r\nSet-Cookie: x.pdf', "application/pdf", "a_b___Set-Cookie: x.pdf"),
        ("...", "image/png", "documento.png"),
    ],
)
def test_download_names_lose_paths_and_quoting_and_match_the_type(name, content_type, expected):
    assert download_filename(name, content_type) == expected


def test_the_disposition_is_an_attachment_with_an_ascii_fallback_and_the_utf8_name():
    header = content_disposition("verbale è.pdf")
    assert header == "attachment; filename=\"verbale _.pdf\"; filename*=UTF-8''verbale%20%C3%A8.pdf"


def test_the_download_response_carries_the_stored_type_nosniff_and_a_closed_csp():
    response = attachment_response(io.BytesIO(b"ciao"), name="nota.html", content_type="text/plain")
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith('attachment; filename="nota.html.txt"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP
    assert "sandbox" in DOWNLOAD_CSP and "default-src 'none'" in DOWNLOAD_CSP
