"""Factories and tiny real files (made in memory, never checked-in binaries) for the files tests."""

from __future__ import annotations

import io
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from egov.kernel.accounts.models import User, UserKind
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.orgs.services import org_unit_create


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"files-user{n:04d}")
    real_name = factory.Sequence(lambda n: f"上传人{n}")
    kind = UserKind.PERSON
    password = factory.django.Password("Xam-2026-test!")


class StaffFactory(UserFactory):
    username = factory.Sequence(lambda n: f"files-staff{n:04d}")
    kind = UserKind.STAFF


class OrgUnitFactory(factory.Factory[OrgUnit]):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"测试机构{n}")
    code = factory.Sequence(lambda n: f"FILES-{n:04d}")
    division_code = "152200"

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        return org_unit_create(**kwargs)


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
