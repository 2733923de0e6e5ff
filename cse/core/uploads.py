"""Uploaded files: the type comes from the content, never from the name or the browser's claim, and a stored file
goes back only as a download (ASVS 5.0 V5.2 file upload, V5.3 file storage, V5.4 file download).

Sniffing uses `filetype` (pure Python, no native library, already installed with Wagtail's image stack) for binary
formats; plain text has no signature, so it is recognised by having no binary bytes and no leading markup. HTML,
SVG, XML and anything not on the allow-list is refused: nothing uploaded can ever be rendered by a browser as a page.
"""

from __future__ import annotations

import re
import unicodedata
from typing import IO
from urllib.parse import quote

import filetype
from django.core.exceptions import ValidationError
from django.http import FileResponse

HEAD_BYTES = 8192  # filetype looks at most this far; office formats name their parts within it

# sniffed type -> extensions a download may carry (the first one is appended when the name has none of them)
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "application/msword": ("doc",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/rtf": ("rtf",),
    "application/vnd.ms-excel": ("xls",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "text/plain": ("txt",),
}
ALLOWED_LABEL = "PDF, immagini PNG o JPEG, documenti Office o LibreOffice (doc, docx, odt, rtf, xls, xlsx, ods), testo"
DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"

_TEXT_CONTROLS = set(range(32)) - {9, 10, 12, 13}  # tab, newline, form feed, carriage return are text
_REFUSED_TEXT_START = re.compile(rb"^(\xef\xbb\xbf)?\s*(<|#!)")  # markup (HTML, SVG, XML) or a script


def looks_like_plain_text(head: bytes) -> bool:
    """No NUL or other binary control bytes, no leading markup (HTML, SVG, XML) and no script interpreter line."""
    if not head or _REFUSED_TEXT_START.match(head):
        return False
    return not any(byte in _TEXT_CONTROLS for byte in head)


def sniff_content_type(head: bytes) -> str | None:
    """The allowed MIME type the first bytes show, or None when they show something not on the allow-list."""
    kind = filetype.guess(head[:HEAD_BYTES])
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED_TYPES else None
    return "text/plain" if looks_like_plain_text(head[:HEAD_BYTES]) else None


def sniff_upload(upload: IO[bytes]) -> str:
    """The sniffed type of an uploaded file (its position is restored); refuses what is not on the allow-list."""
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(f"Formato non ammesso: sono accettati solo {ALLOWED_LABEL}.", code="formato")
    return content_type


def download_filename(name: str, content_type: str) -> str:
    """A harmless file name: no path, no control or quoting characters, and an extension matching the sniffed type
    (a «pagina.html» stored as text leaves as «pagina.html.txt», so no browser opens it as a page later)."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join("_" if unicodedata.category(c).startswith("C") or c in "\"';" else c for c in name).strip(" .")
    extensions = ALLOWED_TYPES.get(content_type, ("bin",))
    if "." not in name or name.rsplit(".", 1)[1].lower() not in extensions:
        name = f"{name or 'documento'}.{extensions[0]}"
    return name[-150:]


def content_disposition(filename: str) -> str:
    """RFC 6266 attachment header: an ASCII fallback plus the exact UTF-8 name (RFC 8187 filename*)."""
    fallback = "".join(c if c.isascii() and c.isprintable() else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attachment_response(fileobj: IO[bytes], *, name: str, content_type: str) -> FileResponse:
    """Serve a stored upload only as a download: the sniffed type, nosniff, and a CSP that forbids everything."""
    response = FileResponse(fileobj, content_type=content_type)
    response["Content-Disposition"] = content_disposition(download_filename(name, content_type))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
