"""The shared factories, and tiny real files (made in memory, never checked-in binaries) for the files tests."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from egov.kernel.accounts.tests.factories import StaffFactory, UserFactory
from egov.kernel.orgs.tests.factories import OrgUnitFactory

__all__ = ["OrgUnitFactory", "StaffFactory", "UserFactory", "exe_bytes", "image_bytes", "pdf_bytes", "upload"]


def pdf_bytes() -> bytes:
    """A minimal valid one-page PDF."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 8), exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    if exif is not None:
        image.save(buffer, fmt, exif=exif)
    else:
        image.save(buffer, fmt)
    return buffer.getvalue()


def exe_bytes() -> bytes:
    """The start of a Windows executable: "MZ" DOS header and PE signature."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """The browser-claimed content type is deliberately meaningless: the service must not trust it."""
    return SimpleUploadedFile(name, content, content_type=content_type)
