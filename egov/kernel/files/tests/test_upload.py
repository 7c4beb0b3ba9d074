from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import Image, PngImagePlugin

from egov.kernel.audit.models import AuditEntry
from egov.kernel.crypto import sm3_hex
from egov.kernel.errors import Rejected
from egov.kernel.files.models import StoredFile
from egov.kernel.files.purposes import MB
from egov.kernel.files.services import file_store
from egov.kernel.files.tests.factories import UserFactory, exe_bytes, image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def rejected(purpose: str, name: str, content: bytes) -> str:
    user = UserFactory()
    before = StoredFile.objects.count()
    with pytest.raises(Rejected) as caught:
        file_store(actor=user, upload=upload(name, content), purpose=purpose)
    assert StoredFile.objects.count() == before
    return caught.value.message


def test_pdf_is_stored_under_a_random_name_with_its_sm3_digest_and_audited(_storage: Path) -> None:
    user = UserFactory()
    content = pdf_bytes()
    stored = file_store(actor=user, upload=upload("营业执照.pdf", content, "image/png"), purpose="application_material")
    assert stored.content_type == "application/pdf"  # from the bytes, not from what the browser claimed
    assert (stored.original_name, stored.size, stored.sm3) == ("营业执照.pdf", len(content), sm3_hex(content))
    assert stored.storage_name.startswith("application_material/") and stored.storage_name.endswith(".pdf")
    assert "营业执照" not in stored.storage_name
    assert (_storage / stored.storage_name).read_bytes() == content
    entry = AuditEntry.objects.get(action="files.upload")
    assert (entry.actor_id, entry.target_id, entry.result) == (user.pk, str(stored.pk), "success")


def test_png_and_jpeg_are_recognised_by_their_magic_bytes() -> None:
    user = UserFactory()
    png = file_store(actor=user, upload=upload("a.png", image_bytes("PNG")), purpose="avatar")
    jpeg = file_store(actor=user, upload=upload("b.JPEG", image_bytes("JPEG")), purpose="avatar")
    assert (png.content_type, jpeg.content_type) == ("image/png", "image/jpeg")


def test_an_executable_named_pdf_is_rejected() -> None:
    assert rejected("application_material", "申请表.pdf", exe_bytes()) == "文件内容与扩展名不符：检测为 EXE"


def test_a_png_named_jpg_is_rejected() -> None:
    assert rejected("avatar", "photo.jpg", image_bytes("PNG")) == "文件内容与扩展名不符：检测为 PNG"


def test_a_real_file_of_a_type_the_purpose_does_not_allow_is_rejected() -> None:
    assert rejected("avatar", "scan.pdf", pdf_bytes()) == "不支持的文件类型：仅允许 JPG、PNG"
    assert rejected("avatar", "setup.exe", exe_bytes()) == "不支持的文件类型：仅允许 JPG、PNG"


def test_an_oversize_file_is_rejected_with_the_limit() -> None:
    content = pdf_bytes() + b"0" * (20 * MB)
    assert rejected("application_material", "big.pdf", content) == "文件大小超过限制（最大20MB）"
    assert rejected("avatar", "big.png", b"\x89PNG" + b"0" * (2 * MB)) == "文件大小超过限制（最大2MB）"


def test_empty_file_is_rejected() -> None:
    assert rejected("attachment", "empty.pdf", b"") == "文件为空"


def test_csv_is_recognised_as_text_and_binary_junk_is_not() -> None:
    user = UserFactory()
    csv = "旗县,人口\n乌兰浩特市,340000\n".encode("gb18030")
    stored = file_store(actor=user, upload=upload("人口.csv", csv), purpose="dataset")
    assert stored.content_type == "text/csv"
    assert rejected("dataset", "junk.csv", bytes(range(256)) * 4) == "不支持的文件类型：仅允许 CSV、XLSX"


def test_zip_containers_are_told_apart_by_their_content() -> None:
    def zipped(*names: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in names:
                archive.writestr(name, "<x/>")
        return buffer.getvalue()

    user = UserFactory()
    ofd = file_store(
        actor=user, upload=upload("证照.ofd", zipped("OFD.xml", "Doc_0/Document.xml")), purpose="application_material"
    )
    docx = file_store(
        actor=user,
        upload=upload("说明.docx", zipped("[Content_Types].xml", "word/document.xml")),
        purpose="application_material",
    )
    assert (ofd.content_type, docx.content_type) == (
        "application/ofd",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    assert rejected("application_material", "伪装.ofd", zipped("readme.txt")) == "文件内容与扩展名不符：检测为 ZIP"
    assert (
        rejected("application_material", "材料.zip", zipped("readme.txt"))
        == "不支持的文件类型：仅允许 PDF、OFD、DOCX、XLSX、JPG、PNG"
    )


def test_exif_and_gps_are_stripped_and_orientation_is_kept() -> None:
    # given a 40×20 photo with GPS coordinates, a camera make and "rotate 90°" orientation
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Canon"
    exif.get_ifd(0x8825).update({1: "N", 2: (46.0, 4.0, 30.0), 3: "E", 4: (122.0, 3.0, 0.0)})
    original = image_bytes("JPEG", size=(40, 20), exif=exif)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    # when
    stored = file_store(actor=UserFactory(), upload=upload("现场照片.jpg", original), purpose="image")
    # then the stored picture has no EXIF at all, and is upright (rotated pixels, 20×40)
    with default_storage.open(stored.storage_name, "rb") as handle:
        content = handle.read()
    reopened = Image.open(io.BytesIO(content))
    assert dict(reopened.getexif()) == {}
    assert "exif" not in reopened.info
    assert reopened.size == (20, 40)
    assert stored.size == len(content) and stored.sm3 == sm3_hex(content)


def test_a_broken_image_is_rejected() -> None:
    assert rejected("image", "broken.png", image_bytes("PNG")[:40]) == "图片已损坏或无法读取"


def test_png_text_chunks_and_gif_comments_are_stripped() -> None:
    png_info = PngImagePlugin.PngInfo()
    png_info.add_text("Author", "张三 13904821234")
    png = io.BytesIO()
    Image.new("RGB", (6, 6)).save(png, "PNG", pnginfo=png_info)
    gif = io.BytesIO()
    Image.new("RGB", (6, 6)).save(gif, "GIF", comment=b"owner: zhangsan")
    user = UserFactory()
    for name, content in (("a.png", png.getvalue()), ("b.gif", gif.getvalue())):
        stored = file_store(actor=user, upload=upload(name, content), purpose="image")
        with default_storage.open(stored.storage_name, "rb") as handle:
            reopened = Image.open(io.BytesIO(handle.read()))
            reopened.load()
        assert "Author" not in reopened.info and "comment" not in reopened.info
