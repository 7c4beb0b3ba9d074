"""Certificates (电子证照): unguessable code, QR code to the absolute verification URL, revocation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import segno
from django.urls import reverse

from egov.domain.results.models import Certificate, CertificateStatus
from egov.domain.results.pdf import qr_code
from egov.domain.results.services import certificate_context, certificate_issue, certificate_revoke
from egov.domain.results.tests.conftest import World
from egov.domain.results.tests.test_notices import embedded_fonts, is_cjk_sc, pdf_of, pdf_text
from egov.kernel.access.policy import AccessDenied
from egov.kernel.audit.models import AuditEntry
from egov.kernel.calendar.deadlines import beijing_today
from egov.kernel.errors import Conflict, Rejected

ID_NUMBER = "11010519491231002X"
USCC = "91350100M000100Y43"


def issue(world: World, **kwargs: object) -> Certificate:
    values: dict[str, object] = {
        "title": "营业执照",
        "holder_name": "王小明",
        "holder_code": ID_NUMBER,
        "fields": [("名称", "科右前旗小明便利店"), ("经营范围", "日用百货零售")],
        "valid_until": beijing_today() + dt.timedelta(days=365),
    }
    values.update(kwargs)
    return certificate_issue(actor=world.handler, case=world.case, **values)  # type: ignore[arg-type]


def test_code_is_unguessable_base32_and_the_number_follows_the_unit(world: World) -> None:
    first, second = issue(world), issue(world)
    assert re.fullmatch(r"[A-Z2-7]{24}", first.code)
    assert first.code != second.code
    year = beijing_today().year
    assert (first.number, second.number) == (f"前市监证〔{year}〕1号", f"前市监证〔{year}〕2号")
    assert first.status == CertificateStatus.VALID


def test_qr_code_encodes_the_absolute_verification_url(world: World) -> None:
    certificate = issue(world)
    expected = f"https://zwfw.xam.gov.cn{reverse('results:verify', args=[certificate.code])}"
    assert certificate.verify_url == expected
    # segno cannot decode, so compare the symbol the PDF embeds with one built from the expected URL.
    assert qr_code(certificate.verify_url).matrix == segno.make(expected, error="m", micro=False).matrix
    assert certificate_context(certificate, world.case)["qr"] == segno.make(expected, error="m").svg_data_uri(
        scale=4, border=2, dark="#000", light="#fff"
    )
    assert qr_code(certificate.verify_url).designator.endswith("-M")


def test_pdf_shows_the_certificate_with_code_url_and_cjk_font(world: World) -> None:
    certificate = issue(world)
    reader = pdf_of(certificate)  # type: ignore[arg-type]
    text = pdf_text(reader)
    for expected in ("营业执照", certificate.number, "王小明", ID_NUMBER, "科右前旗小明便利店", certificate.code):
        assert expected in text, expected
    assert certificate.verify_url in text
    fonts = embedded_fonts(reader)
    assert all(embedded for _name, embedded in fonts)
    assert any(is_cjk_sc(name) for name, _embedded in fonts)


def test_holder_code_is_encrypted_at_rest(world: World) -> None:
    certificate = issue(world)
    row = Certificate.objects.values("holder_code_cipher", "holder_code_index").get(pk=certificate.pk)
    assert ID_NUMBER not in row["holder_code_cipher"]
    assert Certificate.objects.get(**Certificate.holder_code.lookup(ID_NUMBER)).pk == certificate.pk
    assert Certificate.objects.get(pk=certificate.pk).holder_code == ID_NUMBER


def test_a_business_holder_with_uscc_and_no_end_date(world: World) -> None:
    certificate = issue(world, holder_name="兴安盟测试有限公司", holder_code=USCC.lower(), valid_until=None)
    assert certificate.holder_code == USCC
    assert "长期" in pdf_text(pdf_of(certificate))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        ({"title": " "}, "title_required", "请填写证照名称（不超过100字）"),
        ({"holder_name": ""}, "holder_required", "请填写持证主体名称（不超过120字）"),
        (
            {"holder_code": "110105194912310021"},
            "holder_code_invalid",
            "持证主体证件号码应为有效的身份证号码或统一社会信用代码",
        ),
        ({"fields": [("", "x")]}, "fields_invalid", "证照内容每项须有名称和值"),
        ({"valid_until": dt.date(2000, 1, 1)}, "valid_until_past", "有效期不能早于发证日期"),
    ],
)
def test_bad_input_is_refused(world: World, kwargs: dict[str, object], code: str, message: str) -> None:
    with pytest.raises(Rejected) as caught:
        issue(world, **kwargs)
    assert (caught.value.code, caught.value.message) == (code, message)
    assert Certificate.objects.count() == 0


def test_only_handlers_of_the_case_unit_issue(world: World) -> None:
    for actor in (world.other_handler, world.applicant):
        with pytest.raises(AccessDenied):
            certificate_issue(
                actor=actor, case=world.case, title="营业执照", holder_name="王小明", holder_code="", fields=[]
            )
    assert Certificate.objects.count() == 0


def test_revocation_records_when_who_and_why(world: World) -> None:
    certificate = issue(world)
    revoked = certificate_revoke(actor=world.handler, certificate=certificate, reason="以欺骗手段取得许可")
    assert revoked.status == CertificateStatus.REVOKED
    assert revoked.revoked_by == world.handler
    assert revoked.revoke_reason == "以欺骗手段取得许可"
    assert revoked.revoked_at is not None
    entry = AuditEntry.objects.get(action="results.certificate_revoke")
    assert entry.detail == {"number": certificate.number}
    with pytest.raises(Conflict) as caught:
        certificate_revoke(actor=world.handler, certificate=certificate, reason="再次撤销")
    assert caught.value.message == "该证照已被撤销"


def test_revocation_needs_a_reason_and_the_right_unit(world: World) -> None:
    certificate = issue(world)
    with pytest.raises(Rejected) as caught:
        certificate_revoke(actor=world.handler, certificate=certificate, reason="  ")
    assert caught.value.message == "请填写撤销原因"
    with pytest.raises(AccessDenied):
        certificate_revoke(actor=world.other_handler, certificate=certificate, reason="越权撤销")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert certificate.revoke_reason == ""
