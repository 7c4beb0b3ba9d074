"""Upload checks, in the order a person can act on: empty, too large, content not matching its name, type
not allowed for this purpose. Every refusal is a :class:`Rejected` with a Chinese message."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from egov.kernel.errors import Rejected
from egov.kernel.files.detection import UNKNOWN_MIME, detect
from egov.kernel.files.models import file_extension
from egov.kernel.files.purposes import FILE_TYPES, Purpose

MAX_NAME_LENGTH = 255


def validate_upload(upload: UploadedFile, purpose: Purpose) -> str:
    """Return the detected MIME type of an acceptable upload, else raise :class:`Rejected`."""
    name = upload.name or ""
    if not name or len(name) > MAX_NAME_LENGTH or "\x00" in name:
        raise Rejected("file_name_invalid", _("文件名无效"), field="file")
    if not upload.size or upload.file is None:
        raise Rejected("file_empty", _("文件为空"), field="file")
    if upload.size > purpose.max_bytes:
        raise Rejected(
            "file_too_large", _("文件大小超过限制（最大%(max)s）") % {"max": purpose.max_size_label}, field="file"
        )
    extension = file_extension(name)
    mime, label = detect(upload.file, extension=extension)
    known = FILE_TYPES.get(mime)
    # An unknown kind (e.g. EXE) named after itself is "not allowed" below, named otherwise "mismatch".
    named_right = extension in known.extensions if known else mime == UNKNOWN_MIME or extension == label.lower()
    if not named_right:
        raise Rejected("file_type_mismatch", _("文件内容与扩展名不符：检测为 %(kind)s") % {"kind": label}, field="file")
    if mime not in purpose.mime_types:
        raise Rejected(
            "file_type_not_allowed",
            _("不支持的文件类型：仅允许 %(types)s") % {"types": purpose.allowed_labels},
            field="file",
        )
    return mime
