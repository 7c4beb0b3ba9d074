"""The form definition validator and the Django form built from one page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from egov.domain.services.forms_schema import page_form_class, validate_form_definition
from egov.kernel.accounts.tests.factories import resident_id, uscc

DEFINITION: dict[str, Any] = {
    "pages": [
        {
            "title": "申请人信息",
            "fields": [
                {"name": "applicant_name", "label": "申请人姓名", "type": "text", "required": True},
                {"name": "applicant_id", "label": "身份证号码", "type": "id_number", "required": True},
                {"name": "org_uscc", "label": "统一社会信用代码", "type": "uscc"},
                {"name": "phone", "label": "手机号码", "type": "phone", "required": True},
                {"name": "address", "label": "联系地址", "type": "address_with_division_code", "required": True},
                {"name": "birth", "label": "出生日期", "type": "date"},
                {"name": "income", "label": "月收入", "type": "amount"},
                {"name": "kind", "label": "申领原因", "type": "select", "choices": ["首次申领", "丢失补领"]},
                {"name": "has_agent", "label": "委托他人代办", "type": "checkbox"},
                {"name": "agent_name", "label": "代理人姓名", "type": "text", "required": True,
                 "show_if": {"field": "has_agent", "equals": True}},
                {"name": "members", "label": "家庭成员", "type": "group", "min": 1, "max": 3,
                 "fields": [{"name": "member_name", "label": "姓名", "type": "text", "required": True},
                            {"name": "member_id", "label": "身份证号码", "type": "id_number", "required": True}]},
            ],
        }
    ]
}  # fmt: skip


def valid_data(**changes: str) -> dict[str, str]:
    data = {
        "applicant_name": "张明",
        "applicant_id": resident_id(1),
        "phone": "13904820000",
        "address_0": "152201",
        "address_1": "兴安南大街1号",
        "birth": "1990-01-01",
        "income": "1200.50",
        "kind": "首次申领",
        "members": json.dumps([{"member_name": "李芳", "member_id": resident_id(2)}]),
    }
    data.update(changes)
    return data


def test_definition_errors_are_listed_at_once_in_chinese() -> None:
    bad = {
        "pages": [
            {
                "title": "第一页",
                "fields": [
                    {"name": "Name", "label": "姓名", "type": "text"},
                    {"name": "kind", "label": "", "type": "select", "choices": []},
                    {"name": "kind", "label": "重复", "type": "colour"},
                    {
                        "name": "agent",
                        "label": "代理人",
                        "type": "text",
                        "show_if": {"field": "nobody", "equals": True},
                    },
                ],
            },
            {"title": "", "fields": []},
        ]
    }
    with pytest.raises(ValidationError) as caught:
        validate_form_definition(bad)
    assert caught.value.messages == [
        "第1页第1个字段的名称应以小写字母开头，只含小写字母、数字和下划线，最长40个字符",
        "第1页字段“kind”缺少显示名称",
        "第1页字段“kind”是下拉选择，应提供至少一个选项",
        "第1页字段“kind”名称重复",
        "第1页字段“kind”的类型“colour”不受支持",
        "第2页缺少标题",
        "字段“agent”的显示条件引用了不存在的字段“nobody”",
    ]


def test_definition_without_pages_and_nested_group() -> None:
    with pytest.raises(ValidationError) as empty:
        validate_form_definition({})
    assert empty.value.messages == ["表单定义应包含至少一页（pages）"]
    nested = {"pages": [{"title": "页", "fields": [
        {"name": "outer", "label": "外层", "type": "group", "fields": [
            {"name": "inner", "label": "内层", "type": "group", "fields": [{"name": "x", "label": "x", "type": "text"}]}
        ]}
    ]}]}  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        validate_form_definition(nested)
    assert "第1页字段“outer”内字段“inner”：分组内不能再嵌套分组" in caught.value.messages


def test_valid_definition_passes_and_builds_a_form() -> None:
    validate_form_definition(DEFINITION)
    form = page_form_class(DEFINITION, 0)(data=valid_data())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["address"] == {"division_code": "152201", "detail": "兴安南大街1号"}
    assert form.cleaned_data["members"][0]["member_name"] == "李芳"
    assert "agent_name" not in form.cleaned_data


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("applicant_id", "15220119900101001", "身份证号码应为18位"),
        ("applicant_id", resident_id(1)[:17] + ("0" if resident_id(1)[17] != "0" else "1"), "身份证号码校验位不正确"),
        ("org_uscc", uscc(1)[:17] + ("0" if uscc(1)[17] != "0" else "1"), "统一社会信用代码校验位不正确"),
        ("org_uscc", "91152201MA0000000", "统一社会信用代码应为18位"),
        ("phone", "0482123", "手机号码应为11位，以1开头"),
        ("address_0", "1522", "行政区划代码应为6位数字"),
        ("applicant_name", "", "请填写申请人姓名"),
        ("income", "十元", "月收入应为金额数字，最多两位小数"),
        ("kind", "其他", "申领原因的选项无效，请重新选择"),
    ],
)
def test_generated_form_gives_statutory_messages(field: str, value: str, message: str) -> None:
    form = page_form_class(DEFINITION, 0)(data=valid_data(**{field: value}))
    assert not form.is_valid()
    target = "address" if field.startswith("address") else field
    assert message in form.errors[target]


def test_show_if_makes_the_hidden_field_required_only_when_shown() -> None:
    form_class = page_form_class(DEFINITION, 0)
    shown = form_class(data=valid_data(has_agent="on"))
    assert not shown.is_valid()
    assert shown.errors["agent_name"] == ["请填写代理人姓名"]
    hidden = form_class(data=valid_data(agent_name="王五"))
    assert hidden.is_valid()
    assert "agent_name" not in hidden.cleaned_data


def test_group_rows_are_validated_one_by_one() -> None:
    form_class = page_form_class(DEFINITION, 0)
    rows = [{"member_name": "李芳", "member_id": "123"}, {"member_name": "", "member_id": resident_id(3)}]
    form = form_class(data=valid_data(members=json.dumps(rows)))
    assert not form.is_valid()
    assert form.errors["members"] == ["家庭成员第1项身份证号码：身份证号码应为18位", "家庭成员第2项姓名：请填写姓名"]
    too_few = form_class(data=valid_data(members="[]"))
    assert not too_few.is_valid()
    assert too_few.errors["members"] == ["家庭成员至少填写1项"]


def test_page_out_of_range() -> None:
    with pytest.raises(ValidationError) as caught:
        page_form_class(DEFINITION, 3)
    assert caught.value.messages == ["表单页码超出范围"]


def test_a_hidden_conditional_field_is_neither_required_nor_checked() -> None:
    definition = {
        "pages": [
            {
                "title": "申请人",
                "fields": [
                    {"name": "has_agent", "label": "委托他人代办", "type": "checkbox"},
                    {
                        "name": "agent_id",
                        "label": "代理人身份证号码",
                        "type": "id_number",
                        "required": True,
                        "show_if": {"field": "has_agent", "equals": True},
                    },
                ],
            }
        ]
    }
    hidden = page_form_class(definition, 0)(data={"agent_id": "123"})
    assert hidden.is_valid(), hidden.errors
    assert "agent_id" not in hidden.cleaned_data
    shown = page_form_class(definition, 0)(data={"has_agent": "on", "agent_id": "123"})
    assert shown.errors["agent_id"] == ["身份证号码应为18位"]
