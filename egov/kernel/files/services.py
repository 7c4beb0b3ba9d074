"""Writes of the files app: storing an upload and handing out a file for download (both audited)."""

from __future__ import annotations

import io
import uuid
from typing import IO, TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from egov.kernel.errors import NotFound, Rejected
from egov.kernel.files.models import StoredFile
from egov.kernel.files.purposes import FILE_TYPES, IMAGE_TYPES, JPEG, get_purpose
from egov.kernel.files.rules import file_can_download
from egov.kernel.files.validation import validate_upload

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.kernel.accounts.models import User
    from egov.kernel.orgs.models import OrgUnit

_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
CHUNK = 64 * 1024
_RENDERING_INFO = frozenset({"transparency", "duration", "loop", "background", "disposal", "gamma", "dpi"})


def _audit(**kwargs: Any) -> None:
    from egov.kernel.audit.services import audit_record

    audit_record(**kwargs)


def _related_key(related: models.Model | tuple[str, str | int] | None) -> tuple[str, str]:
    if related is None:
        return "", ""
    if isinstance(related, models.Model):
        return related._meta.label_lower, str(related.pk)
    return related[0], str(related[1])


def file_store(
    *,
    actor: User,
    upload: UploadedFile,
    purpose: str,
    org_unit: OrgUnit | None = None,
    related: models.Model | tuple[str, str | int] | None = None,
) -> StoredFile:
    """Check the upload against its purpose, strip image metadata, store it under a random name.

    ``org_unit`` and ``related`` come from the calling service (which has checked its own permission), never
    from the request. If the database work fails, the stored content is removed again.
    """
    if not actor.is_authenticated:
        raise Rejected("login_required", _("请先登录"))
    rules = get_purpose(purpose)
    mime = validate_upload(upload, rules)
    source: IO[bytes] = upload.file  # type: ignore[assignment]  # validate_upload refused a missing file
    content = _without_metadata(source, mime) if mime in IMAGE_TYPES else source
    size, digest = _size_and_sm3(content)
    extension = sorted(FILE_TYPES[mime].extensions)[0] if mime != JPEG else "jpg"
    today = timezone.localdate()
    name = default_storage.save(f"{purpose}/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}", File(content))
    related_type, related_id = _related_key(related)
    try:
        with transaction.atomic():
            stored = StoredFile.objects.create(
                purpose=purpose,
                original_name=upload.name or "",
                content_type=mime,
                size=size,
                sm3=digest,
                storage_name=name,
                uploaded_by=actor,
                org_unit=org_unit,
                related_type=related_type,
                related_id=related_id,
            )
            _audit(
                actor=actor,
                action="files.upload",
                target=stored,
                org_unit=org_unit,
                detail={"purpose": purpose, "content_type": mime, "size": size, "sm3": digest},
            )
    except BaseException:
        default_storage.delete(name)
        raise
    return stored


def _without_metadata(source: IO[bytes], mime: str) -> IO[bytes]:
    """Re-encode the picture: orientation applied to the pixels, EXIF/XMP/text chunks left behind."""
    source.seek(0)
    try:
        with Image.open(source) as image:
            image.load()
            animated = getattr(image, "is_animated", False)
            output = io.BytesIO()
            options: dict[str, Any] = {"format": _PIL_FORMATS[mime]}
            if image.info.get("icc_profile"):
                options["icc_profile"] = image.info["icc_profile"]  # colour, not personal data
            if mime == JPEG:
                options["quality"] = 95
            clean = image if animated else ImageOps.exif_transpose(image)
            # Some encoders copy .info into the file (GIF comments): keep only what rendering needs.
            clean.info = {key: value for key, value in clean.info.items() if key in _RENDERING_INFO}
            clean.save(output, save_all=animated, **options)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise Rejected("image_unreadable", _("图片已损坏或无法读取"), field="file") from exc
    output.seek(0)
    return output


def _size_and_sm3(content: IO[bytes]) -> tuple[int, str]:
    content.seek(0)
    digest = hashes.Hash(hashes.SM3())
    size = 0
    while chunk := content.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    content.seek(0)
    return size, digest.finalize().hex()


def file_open_for_download(*, actor: User | AnonymousUser, file_id: uuid.UUID) -> tuple[StoredFile, File]:
    """The file and its open content, if ``actor`` may have it; otherwise "not found" (ids reveal nothing).

    Refusals of existing files are audited as denied, downloads as successful.
    """
    stored = StoredFile.objects.select_related("org_unit").filter(pk=file_id).first()
    if stored is None:
        raise NotFound("file_not_found", _("文件不存在"))
    signed_in = actor if actor.is_authenticated else None
    if not file_can_download(actor, stored):
        _audit(actor=signed_in, action="files.download", target=stored, org_unit=stored.org_unit, result="denied")
        raise NotFound("file_not_found", _("文件不存在"))
    try:
        content = default_storage.open(stored.storage_name, "rb")
    except FileNotFoundError as exc:
        raise NotFound("file_missing", _("文件内容已不存在，请联系管理员")) from exc
    _audit(actor=signed_in, action="files.download", target=stored, org_unit=stored.org_unit)
    return stored, content
