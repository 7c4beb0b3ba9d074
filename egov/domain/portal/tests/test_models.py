from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from egov.domain.portal.models import Validity, validate_document_number, validate_site_code
from egov.domain.portal.tests.factories import add_page, column, make_site, policy

BAD_NUMBER = "文号格式不正确，应为“机关代字〔年份〕序号号”，如 兴署发〔2026〕12号（年份用六角括号〔〕，序号不编虚位）"


@pytest.mark.parametrize("number", ["兴署发〔2026〕12号", "兴署办发〔2025〕1号", "科右前政发〔2019〕305号"])
def test_document_number_accepts_the_hexagonal_bracket_format(number: str) -> None:
    validate_document_number(number)  # no exception


@pytest.mark.parametrize(
    "number",
    [
        "兴署发[2026]12号",  # square brackets
        "兴署发【2026】12号",  # lenticular brackets
        "兴署发（2026）12号",  # round brackets
        "兴署发〔26〕12号",  # two-digit year
        "兴署发〔2026〕012号",  # leading zero (虚位)
        "兴署发〔2026〕12",  # no 号
        "〔2026〕12号",  # no 机关代字
        "XSF〔2026〕12号",
    ],
)
def test_document_number_rejects_other_formats(number: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_document_number(number)
    assert raised.value.messages == [BAD_NUMBER]


def test_site_code_is_ten_digits() -> None:
    validate_site_code("1522000001")
    with pytest.raises(ValidationError) as raised:
        validate_site_code("152200001")
    assert raised.value.messages == ["网站标识码应为 10 位数字（6 位行政区划代码加 4 位序号），如 1522000001"]


@pytest.mark.django_db
def test_policy_document_full_clean_reports_the_document_number_in_chinese() -> None:
    # given a policy document with a badly written 文号
    home = make_site()
    page = policy(number="兴署发[2026]12号")
    page.slug = "bad"
    # when it is validated as the editor's form does
    with pytest.raises(ValidationError) as raised:
        column(home, "zcwj").add_child(instance=page)
    # then
    assert raised.value.message_dict["document_number"] == [BAD_NUMBER]


@pytest.mark.django_db
def test_repealed_policy_needs_the_document_that_repealed_it() -> None:
    home = make_site()
    page = add_page(column(home, "zcwj"), policy())
    page.validity = Validity.REPEALED
    with pytest.raises(ValidationError) as raised:
        page.full_clean()
    assert raised.value.message_dict["replaced_by"] == ["效力为“已修改”或“已废止”时，请选择修改或废止它的文件"]
    newer = add_page(column(home, "zcwj"), policy("新文件", number="兴署发〔2026〕20号"))
    page.replaced_by = newer
    page.full_clean()  # now valid


@pytest.mark.django_db
def test_written_date_cannot_follow_the_publishing_date() -> None:
    home = make_site()
    page = add_page(column(home, "zcwj"), policy())
    page.written_on = page.published_at.date() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as raised:
        page.full_clean()
    assert raised.value.message_dict["written_on"] == ["成文日期不能晚于发布日期"]
