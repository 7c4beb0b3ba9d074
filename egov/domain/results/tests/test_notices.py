"""Notices (文书): 文号 without gaps per unit, kind and year; the PDF holds the text and an embedded CJK font."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from pypdf import PdfReader

from egov.domain.results.models import IssuedNotice, NumberSequence
from egov.domain.results.pdf import chinese_date, chinese_number, subset_faces
from egov.domain.results.services import notice_issue
from egov.domain.results.tests.conftest import World
from egov.kernel.access.policy import AccessDenied
from egov.kernel.audit.models import AuditEntry
from egov.kernel.calendar.deadlines import beijing_today
from egov.kernel.errors import Rejected


def pdf_of(notice: IssuedNotice) -> PdfReader:
    assert notice.file is not None
    with default_storage.open(notice.file.storage_name, "rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def is_cjk_sc(font_name: str) -> bool:
    """The simplified-Chinese serif: the install-time subset face or the full Noto Serif CJK SC."""
    return "Egov-Serif-SC" in font_name or ("CJK" in font_name and "SC" in font_name)


def pdf_text(reader: PdfReader) -> str:
    return "".join((page.extract_text() or "") for page in reader.pages).replace("\n", "")


def embedded_fonts(reader: PdfReader) -> list[tuple[str, bool]]:
    """(BaseFont, has an embedded font program) for every font used on every page."""
    found = []
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptors = [d.get_object()["/FontDescriptor"].get_object() for d in font.get("/DescendantFonts", [])]
            if "/FontDescriptor" in font:
                descriptors.append(font["/FontDescriptor"].get_object())
            embedded = any(key in d for d in descriptors for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(font["/BaseFont"]), embedded))
    return found


def issue(world: World, kind: str = "acceptance", **kwargs: object) -> IssuedNotice:
    values: dict[str, object] = {"paragraphs": ["你提交的申请材料齐全，符合法定形式，本机关决定予以受理。"]}
    values.update(kwargs)
    return notice_issue(actor=world.handler, case=world.case, kind=kind, **values)  # type: ignore[arg-type]


def test_chinese_dates_as_documents_print_them() -> None:
    assert chinese_date(date(2026, 11, 26)) == "二〇二六年十一月二十六日"
    assert chinese_date(date(2030, 1, 5)) == "二〇三〇年一月五日"
    assert [chinese_number(n) for n in (1, 10, 11, 20, 31)] == ["一", "十", "十一", "二十", "三十一"]


def test_numbers_count_per_unit_kind_and_year_without_gaps(world: World) -> None:
    # given / when
    year = beijing_today().year
    first = issue(world)
    second = issue(world)
    correction = issue(world, "correction", items=["营业执照复印件不清晰", "缺少经营场所证明"])
    # then
    assert first.number == f"前市监受〔{year}〕1号"
    assert second.number == f"前市监受〔{year}〕2号"
    assert correction.number == f"前市监补〔{year}〕1号"
    assert (first.title, correction.title) == ("受理通知书", "补正材料通知书")
    assert first.recipient_name == world.applicant.display_name


def test_pdf_contains_the_text_and_an_embedded_cjk_font(world: World) -> None:
    notice = issue(
        world, "correction", items=["营业执照复印件不清晰", "缺少经营场所证明"], legal_basis="《行政许可法》第三十二条"
    )
    reader = pdf_of(notice)
    text = pdf_text(reader)
    for expected in (
        "科尔沁右翼前旗市场监督管理局",
        notice.number,
        "补正材料通知书",
        "王小明：",
        "请一次性补正以下材料",
        "缺少经营场所证明",
        "《行政许可法》第三十二条",
        chinese_date(notice.issued_on),
        world.case.number,
    ):
        assert expected in text, expected
    fonts = embedded_fonts(reader)
    assert fonts and all(embedded for _name, embedded in fonts)
    assert any(is_cjk_sc(name) for name, _embedded in fonts)
    assert notice.file is not None and notice.file.content_type == "application/pdf"
    assert (notice.file.related_type, notice.file.related_id) == ("results.issuednotice", str(notice.pk))


def test_names_outside_the_subset_faces_fall_back_per_glyph(world: World) -> None:
    # 玥 is outside GB 2312 (the extension face has it); 䶮 is in CJK Extension A (the rare face has it)
    notice = issue(world, "acceptance", recipient_name="刘䶮、王玥")
    reader = pdf_of(notice)
    assert "刘䶮、王玥：" in pdf_text(reader)
    fonts = embedded_fonts(reader)
    assert fonts and all(embedded for _name, embedded in fonts)
    if subset_faces():
        names = " ".join(name for name, _embedded in fonts)
        assert "Egov-Serif-SC-Ext" in names  # 玥
        assert "Egov-Serif-SC-Rare" in names  # 䶮
        assert "Egov-Serif-SC" in names.replace("Egov-Serif-SC-Ext", "").replace("Egov-Serif-SC-Rare", "")
        assert "Noto-Serif-CJK-SC" not in names  # the 65 535-glyph system face is not needed for these names


def test_refusals_carry_the_remedy_paragraph(world: World) -> None:
    notice = issue(world, "denial", paragraphs=["经审查，你的申请不符合法定条件。"], items=["经营场所位于禁止区域"])
    text = pdf_text(pdf_of(notice))
    assert "不予行政许可决定书" in text
    assert "六十日内依法申请行政复议" in text


def test_issue_is_audited_without_personal_data(world: World) -> None:
    notice = issue(world)
    entry = AuditEntry.objects.get(action="results.notice_issue")
    assert entry.target_id == str(notice.pk)
    assert entry.detail == {"case": world.case.number, "kind": "acceptance", "number": notice.number}
    assert "王小明" not in str(entry.detail)


@pytest.mark.parametrize(
    ("kind", "kwargs", "code", "message"),
    [
        ("permit", {}, "notice_kind", "未知的文书种类"),
        ("acceptance", {"paragraphs": ["  "]}, "paragraphs_required", "请填写文书正文"),
        ("correction", {}, "items_required", "补正材料通知书须一次性列明全部需要补正的材料"),
    ],
)
def test_bad_input_is_refused_and_takes_no_number(
    world: World, kind: str, kwargs: dict[str, object], code: str, message: str
) -> None:
    with pytest.raises(Rejected) as caught:
        issue(world, kind, **kwargs)
    assert (caught.value.code, caught.value.message) == (code, message)
    assert IssuedNotice.objects.count() == 0
    assert not NumberSequence.objects.filter(last_value__gt=0).exists()


def test_a_handler_of_another_unit_cannot_issue(world: World) -> None:
    with pytest.raises(AccessDenied):
        notice_issue(actor=world.other_handler, case=world.case, kind="acceptance", paragraphs=["予以受理"])
    with pytest.raises(AccessDenied):
        notice_issue(actor=world.applicant, case=world.case, kind="acceptance", paragraphs=["予以受理"])
    assert IssuedNotice.objects.count() == 0
    assert not AuditEntry.objects.filter(action="results.notice_issue").exists()


def test_a_rolled_back_issue_gives_its_number_back(world: World) -> None:
    year = beijing_today().year

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        issue(world)
        raise Boom
    assert issue(world).number == f"前市监受〔{year}〕1号"
    assert IssuedNotice.objects.count() == 1


def test_the_unit_name_stands_in_when_no_prefix_is_set(world: World) -> None:
    world.market.document_prefix = ""
    world.market.save(update_fields=["document_prefix"])
    assert issue(world).number.startswith("前旗市场监管局受〔")
