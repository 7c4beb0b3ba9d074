"""What may be uploaded for which purpose: the file types the platform knows and, per purpose, which of
them are allowed and how large a file may be. Apps add their own purposes with :func:`register_purpose`."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    mime: str
    label: str  # shown to people: "PDF", "JPG"
    extensions: frozenset[str]


PDF = "application/pdf"
OFD = "application/ofd"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
JPEG = "image/jpeg"
PNG = "image/png"
GIF = "image/gif"
WEBP = "image/webp"
CSV = "text/csv"
TEXT = "text/plain"

FILE_TYPES: dict[str, FileType] = {
    t.mime: t
    for t in [
        FileType(PDF, "PDF", frozenset({"pdf"})),
        FileType(OFD, "OFD", frozenset({"ofd"})),
        FileType(DOCX, "DOCX", frozenset({"docx"})),
        FileType(XLSX, "XLSX", frozenset({"xlsx"})),
        FileType(ZIP, "ZIP", frozenset({"zip"})),
        FileType(JPEG, "JPG", frozenset({"jpg", "jpeg"})),
        FileType(PNG, "PNG", frozenset({"png"})),
        FileType(GIF, "GIF", frozenset({"gif"})),
        FileType(WEBP, "WEBP", frozenset({"webp"})),
        FileType(CSV, "CSV", frozenset({"csv"})),
        FileType(TEXT, "TXT", frozenset({"txt"})),
    ]
}

#: Types re-encoded on upload so that EXIF (GPS position, camera, owner) never reaches storage.
IMAGE_TYPES = frozenset({JPEG, PNG, GIF, WEBP})


@dataclass(frozen=True)
class Purpose:
    code: str
    label: str | Promise
    mime_types: tuple[str, ...]
    max_bytes: int

    @property
    def allowed_labels(self) -> str:
        return "、".join(FILE_TYPES[mime].label for mime in self.mime_types)

    @property
    def max_size_label(self) -> str:
        if self.max_bytes % MB == 0:
            return f"{self.max_bytes // MB}MB"
        return f"{self.max_bytes / MB:.1f}MB"


PURPOSES: dict[str, Purpose] = {}


def register_purpose(purpose: Purpose) -> Purpose:
    unknown = set(purpose.mime_types) - FILE_TYPES.keys()
    if unknown:
        raise ValueError(f"purpose {purpose.code}: unknown file types {sorted(unknown)}")
    PURPOSES[purpose.code] = purpose
    return purpose


def get_purpose(code: str) -> Purpose:
    try:
        return PURPOSES[code]
    except KeyError:
        raise LookupError(f"unknown upload purpose {code!r}") from None


for _purpose in [
    Purpose("application_material", _("申请材料"), (PDF, OFD, DOCX, XLSX, JPEG, PNG), 20 * MB),
    Purpose("avatar", _("头像"), (JPEG, PNG), 2 * MB),
    Purpose("attachment", _("附件"), (PDF, DOCX, XLSX, JPEG, PNG, ZIP), 50 * MB),
    Purpose("dataset", _("数据集"), (CSV, XLSX), 200 * MB),
    Purpose("image", _("图片"), (JPEG, PNG, GIF, WEBP), 10 * MB),
]:
    register_purpose(_purpose)
