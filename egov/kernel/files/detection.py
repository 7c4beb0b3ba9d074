"""Decide what a file really is from its content (magic bytes), never from its name.

ZIP containers are opened to tell DOCX, XLSX and OFD (GB/T 33190, a ZIP with ``OFD.xml`` at its root) from a
plain ZIP; files without magic bytes count as text only if they decode as UTF-8 or GB18030 without NULs.
"""

from __future__ import annotations

import codecs
import zipfile
from typing import IO

import filetype

from egov.kernel.files.purposes import CSV, DOCX, OFD, TEXT, XLSX, ZIP

HEAD_BYTES = 8192
TEXT_SNIFF_BYTES = 64 * 1024
UNKNOWN_MIME = "application/octet-stream"


def detect(stream: IO[bytes], *, extension: str) -> tuple[str, str]:
    """Return (mime type, short label) of the content; the label names unknown kinds too ("EXE")."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in {ZIP, DOCX, XLSX} or head.startswith(b"PK\x03\x04"):
            return _zip_kind(stream)
        return kind.mime, kind.extension.upper()
    sample = head + stream.read(TEXT_SNIFF_BYTES - len(head))
    stream.seek(0)
    if sample and _looks_like_text(sample):
        return (CSV, "CSV") if extension == "csv" else (TEXT, "TXT")
    return UNKNOWN_MIME, "?"


def _zip_kind(stream: IO[bytes]) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return UNKNOWN_MIME, "?"
    finally:
        stream.seek(0)
    if "OFD.xml" in names:
        return OFD, "OFD"
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX, "DOCX"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX, "XLSX"
    return ZIP, "ZIP"


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample:
        return False
    complete = len(sample) < TEXT_SNIFF_BYTES  # else the sample may end inside a multi-byte character
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
        except UnicodeDecodeError:
            continue
        return True
    return False
