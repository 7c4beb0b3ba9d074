"""Application form definitions stored as JSON on a service item version.

Shape::

    {"pages": [{"title": "申请人信息", "fields": [
        {"name": "applicant_name", "label": "姓名", "type": "text", "required": true},
        {"name": "has_agent", "label": "是否委托代理人", "type": "checkbox"},
        {"name": "agent_id", "label": "代理人身份证号", "type": "id_number", "required": true,
         "show_if": {"field": "has_agent", "equals": true}},
        {"name": "members", "label": "家庭成员", "type": "group", "min": 1, "max": 10,
         "fields": [...]}]}]}

The definition is validated before it is saved (messages in Chinese for the catalogue editors), and one page
becomes a Django ``Form`` class whose identifier fields use ``egov.kernel.identifiers`` so the applicant sees
the statutory messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from egov.kernel.identifiers import validate_division_code, validate_mobile, validate_resident_id, validate_uscc

FIELD_TYPES: dict[str, str] = {
    "text": "单行文本",
    "textarea": "多行文本",
    "id_number": "身份证号码",
    "uscc": "统一社会信用代码",
    "phone": "手机号码",
    "address_with_division_code": "地址（含行政区划代码）",
    "date": "日期",
    "amount": "金额",
    "select": "下拉选择",
    "checkbox": "勾选",
    "group": "可重复分组",
}
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_GROUP_ROWS = 50


def validate_form_definition(definition: Any) -> None:
    """Raise ``ValidationError`` listing every problem of the definition at once (一次性告知)."""
    errors: list[str] = []
    if not isinstance(definition, dict) or not isinstance(definition.get("pages"), list) or not definition["pages"]:
        raise ValidationError("表单定义应包含至少一页（pages）", code="form_pages")
    names: set[str] = set()
    for page_number, page in enumerate(definition["pages"], start=1):
        where = f"第{page_number}页"
        if not isinstance(page, dict) or not str(page.get("title", "")).strip():
            errors.append(f"{where}缺少标题")
            continue
        fields = page.get("fields")
        if not isinstance(fields, list) or not fields:
            errors.append(f"{where}没有任何字段")
            continue
        _check_fields(fields, where, names, errors, nested=False)
    # show_if may refer to a field on an earlier page, so check references after collecting every name.
    for page in definition["pages"]:
        if isinstance(page, dict) and isinstance(page.get("fields"), list):
            for field in page["fields"]:
                if isinstance(field, dict) and isinstance(field.get("show_if"), dict):
                    target = field["show_if"].get("field")
                    if target not in names:
                        errors.append(f"字段“{field.get('name')}”的显示条件引用了不存在的字段“{target}”")
    if errors:
        raise ValidationError(errors, code="form_definition")


def _check_fields(fields: list[Any], where: str, names: set[str], errors: list[str], *, nested: bool) -> None:
    for index, field in enumerate(fields, start=1):
        if not isinstance(field, dict):
            errors.append(f"{where}第{index}个字段格式不正确")
            continue
        name = field.get("name")
        label = f"{where}字段“{name or index}”"
        if not isinstance(name, str) or not _NAME_RE.match(name):
            errors.append(f"{where}第{index}个字段的名称应以小写字母开头，只含小写字母、数字和下划线，最长40个字符")
        elif name in names:
            errors.append(f"{label}名称重复")
        else:
            names.add(name)
        if not str(field.get("label", "")).strip():
            errors.append(f"{label}缺少显示名称")
        kind = field.get("type")
        if kind not in FIELD_TYPES:
            errors.append(f"{label}的类型“{kind}”不受支持")
            continue
        if kind == "select":
            choices = field.get("choices")
            if not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c for c in choices):
                errors.append(f"{label}是下拉选择，应提供至少一个选项")
        if kind == "group":
            if nested:
                errors.append(f"{label}：分组内不能再嵌套分组")
            elif not isinstance(field.get("fields"), list) or not field["fields"]:
                errors.append(f"{label}是可重复分组，应包含至少一个子字段")
            else:
                _check_fields(field["fields"], f"{label}内", names, errors, nested=True)
            low, high = field.get("min", 0), field.get("max", MAX_GROUP_ROWS)
            if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high <= MAX_GROUP_ROWS):
                errors.append(f"{label}的行数范围应满足 0 ≤ 最少 ≤ 最多 ≤ {MAX_GROUP_ROWS}")
        show_if = field.get("show_if")
        if show_if is not None and (not isinstance(show_if, dict) or "field" not in show_if or "equals" not in show_if):
            errors.append(f"{label}的显示条件应写成 {{field, equals}}")


class _ValidatedCharField(forms.CharField):
    """A text field whose value is normalised by an ``egov.kernel.identifiers`` validator."""

    def __init__(self, *, normalise: Callable[[str], str], **kwargs: Any) -> None:
        self.normalise = normalise
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return self.normalise(value) if value else value


class AddressWidget(forms.MultiWidget):
    """Two inputs; each is named for assistive technology ("住所：详细地址"), since the field's label can only
    point at the first."""

    def __init__(self, label: str = "") -> None:
        prefix = f"{label}：" if label else ""
        super().__init__(
            [
                forms.TextInput(
                    attrs={
                        "inputmode": "numeric",
                        "maxlength": 6,
                        "placeholder": "行政区划代码",
                        "aria-label": f"{prefix}行政区划代码",
                        "class": "address-code",
                    }
                ),
                forms.TextInput(
                    attrs={"placeholder": "详细地址", "aria-label": f"{prefix}详细地址", "class": "address-detail"}
                ),
            ]
        )

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, dict):
            return [value.get("division_code", ""), value.get("detail", "")]
        return ["", ""]


class AddressField(forms.MultiValueField):
    """Address with its GB/T 2260 division code, cleaned to ``{"division_code", "detail"}``."""

    widget = AddressWidget

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            fields=[
                _ValidatedCharField(normalise=validate_division_code, max_length=6),
                forms.CharField(max_length=200),
            ],
            require_all_fields=True,
            **kwargs,
        )

    def compress(self, data_list: list[str]) -> dict[str, str] | None:
        if not data_list:
            return None
        return {"division_code": data_list[0], "detail": data_list[1]}


class GroupField(forms.JSONField):
    """A repeatable group: a JSON list of rows, each validated by the form built from the group's fields."""

    def __init__(self, *, spec: dict[str, Any], **kwargs: Any) -> None:
        self.spec = spec
        self.row_form = _form_class(spec["fields"], name="GroupRowForm")
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[dict[str, Any]]:
        rows = super().clean(value) or []
        label = self.spec["label"]
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValidationError(f"{label}的格式不正确", code="group_format")
        low, high = self.spec.get("min", 0), self.spec.get("max", MAX_GROUP_ROWS)
        if len(rows) < low:
            raise ValidationError(f"{label}至少填写{low}项", code="group_min")
        if len(rows) > high:
            raise ValidationError(f"{label}最多填写{high}项", code="group_max")
        cleaned: list[dict[str, Any]] = []
        problems: list[str] = []
        for number, row in enumerate(rows, start=1):
            form = self.row_form(data=row)
            if form.is_valid():
                cleaned.append(form.cleaned_data)
            else:
                for field_name, messages in form.errors.items():
                    field_label = form.fields[field_name].label if field_name in form.fields else ""
                    problems.extend(f"{label}第{number}项{field_label}：{message}" for message in messages)
        if problems:
            raise ValidationError(problems, code="group_rows")
        return cleaned


def _field(spec: dict[str, Any]) -> forms.Field:
    kind = spec["type"]
    label = spec["label"]
    common: dict[str, Any] = {
        "label": label,
        # Fields shown only under a condition are checked for "required" in the form's clean().
        "required": bool(spec.get("required")) and "show_if" not in spec,
        "help_text": spec.get("help", ""),
        "error_messages": {"required": f"请填写{label}" if kind != "checkbox" else f"请勾选{label}"},
    }
    if kind == "text":
        return forms.CharField(max_length=spec.get("max_length", 200), **common)
    if kind == "textarea":
        return forms.CharField(
            max_length=spec.get("max_length", 2000), widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == "id_number":
        return _ValidatedCharField(normalise=validate_resident_id, max_length=18, **common)
    if kind == "uscc":
        return _ValidatedCharField(normalise=validate_uscc, max_length=18, **common)
    if kind == "phone":
        return _ValidatedCharField(
            normalise=validate_mobile, max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}), **common
        )
    if kind == "address_with_division_code":
        return AddressField(widget=AddressWidget(label), **common)
    if kind == "date":
        common["error_messages"]["invalid"] = f"{label}应为日期，格式如 2026-01-31"
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "amount":
        common["error_messages"]["invalid"] = f"{label}应为金额数字，最多两位小数"
        return forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"), **common)
    if kind == "select":
        common["error_messages"]["invalid_choice"] = f"{label}的选项无效，请重新选择"
        return forms.ChoiceField(choices=[("", "请选择"), *((c, c) for c in spec["choices"])], **common)
    if kind == "checkbox":
        return forms.BooleanField(**common)
    common["error_messages"]["invalid"] = f"{label}的格式不正确"
    return GroupField(spec=spec, **common)


def _is_empty(value: Any) -> bool:
    return value in (None, "", [], {}, False)


def _form_class(fields: list[dict[str, Any]], *, name: str) -> type[forms.Form]:
    conditional = {spec["name"]: spec for spec in fields if "show_if" in spec}

    def clean(self: forms.Form) -> dict[str, Any]:
        cleaned = forms.Form.clean(self) or {}
        for field_name, spec in conditional.items():
            condition = spec["show_if"]
            shown = self.data.get(condition["field"], self.initial.get(condition["field"]))
            if isinstance(self.fields.get(condition["field"]), forms.BooleanField):
                shown = self.fields[condition["field"]].to_python(shown)
            if shown != condition["equals"]:
                # hidden: whatever was sent is not part of the application, and its errors do not count
                cleaned.pop(field_name, None)
                self.errors.pop(field_name, None)
            elif spec.get("required") and _is_empty(cleaned.get(field_name)) and field_name not in self.errors:
                self.add_error(field_name, ValidationError(self.fields[field_name].error_messages["required"]))
        return cleaned

    attrs: dict[str, Any] = {spec["name"]: _field(spec) for spec in fields}
    attrs["clean"] = clean
    return type(name, (forms.Form,), attrs)


def page_form_class(definition: dict[str, Any], page_index: int) -> type[forms.Form]:
    """The Django form for page ``page_index`` (0-based) of a validated definition."""
    pages = definition["pages"]
    if not 0 <= page_index < len(pages):
        raise ValidationError("表单页码超出范围", code="form_page_range")
    return _form_class(pages[page_index]["fields"], name=f"ApplicationPage{page_index + 1}Form")
