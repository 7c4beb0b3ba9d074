"""Forms of the office catalogue pages and the portal's application form (parsing only; rules live in services)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from egov.domain.data.models import (
    LICENSE_CHOICES,
    CatalogEntry,
    CheckRule,
    ClassificationLevel,
    DataTheme,
    DataType,
    OpenType,
    SharingMethod,
    SharingType,
    UpdateFrequency,
)
from egov.domain.data.services import DataItemSpec
from egov.kernel.orgs.models import OrgUnit


class EntryForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("提供单位"), queryset=OrgUnit.objects.none())
    code = forms.CharField(label=_("目录代码"), max_length=24, help_text=_("类.项.目.细目-序号，如 02.03.01-0001"))
    title = forms.CharField(label=_("数据目录名称"), max_length=200)
    summary = forms.CharField(label=_("摘要"), widget=forms.Textarea(attrs={"rows": 3}))
    data_format = forms.CharField(label=_("数据格式"), max_length=40, initial="CSV")
    update_frequency = forms.ChoiceField(label=_("更新频率"), choices=UpdateFrequency.choices)
    sharing_type = forms.ChoiceField(label=_("共享属性"), choices=SharingType.choices)
    sharing_basis = forms.CharField(
        label=_("共享条件或不予共享依据"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sharing_method = forms.ChoiceField(label=_("共享方式"), choices=SharingMethod.choices)
    use_conditions = forms.CharField(label=_("使用条件"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    classification_level = forms.ChoiceField(label=_("数据分类分级"), choices=ClassificationLevel.choices)
    open_type = forms.ChoiceField(label=_("开放属性"), choices=OpenType.choices)
    theme = forms.ModelChoiceField(label=_("主题"), queryset=DataTheme.objects.all(), required=False)
    license_id = forms.ChoiceField(label=_("许可协议"), choices=LICENSE_CHOICES)
    tags = forms.CharField(label=_("标签"), required=False, help_text=_("多个标签用逗号或顿号分隔"))

    def __init__(self, *args: Any, units: Any = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["provider"]
            del self.fields["code"]
        else:
            self.fields["provider"].queryset = units if units is not None else OrgUnit.objects.none()  # type: ignore[attr-defined]

    def tag_list(self) -> list[str]:
        return [tag for tag in re.split(r"[,，、\s]+", self.cleaned_data.get("tags", "")) if tag]

    @staticmethod
    def initial_for(entry: CatalogEntry) -> dict[str, Any]:
        fields = [
            "title",
            "summary",
            "data_format",
            "update_frequency",
            "sharing_type",
            "sharing_basis",
            "sharing_method",
            "use_conditions",
            "classification_level",
            "open_type",
            "theme",
            "license_id",
        ]
        initial = {field: getattr(entry, field) for field in fields}
        initial["tags"] = "，".join(entry.tags.values_list("name", flat=True))
        return initial


class ItemForm(forms.Form):
    name = forms.CharField(label=_("数据项名称"), max_length=100, required=False)
    data_type = forms.ChoiceField(label=_("类型"), choices=DataType.choices, initial=DataType.STRING)
    length = forms.IntegerField(label=_("长度"), required=False, min_value=1)
    description = forms.CharField(label=_("说明"), max_length=300, required=False)
    required = forms.BooleanField(label=_("必填"), required=False)
    is_personal = forms.BooleanField(label=_("个人信息"), required=False)
    is_sensitive = forms.BooleanField(label=_("敏感"), required=False)
    code_list = forms.CharField(label=_("代码表"), required=False, help_text=_("允许的取值，用顿号分隔"))
    check_rule = forms.ChoiceField(label=_("校验"), choices=CheckRule.choices, required=False)

    def spec(self) -> DataItemSpec | None:
        data = self.cleaned_data
        if not data.get("name", "").strip():
            return None
        codes = tuple(code for code in re.split(r"[、,，]+", data.get("code_list", "")) if code.strip())
        return DataItemSpec(
            name=data["name"].strip(),
            data_type=data["data_type"],
            length=data.get("length"),
            description=data.get("description", ""),
            required=data.get("required", False),
            is_personal=data.get("is_personal", False),
            is_sensitive=data.get("is_sensitive", False),
            code_list=codes,
            check_rule=data.get("check_rule", "") or "",
        )


ItemFormSet = forms.formset_factory(ItemForm, extra=3, max_num=200)


def item_initial(entry: CatalogEntry) -> list[dict[str, Any]]:
    return [
        {
            "name": item.name,
            "data_type": item.data_type,
            "length": item.length,
            "description": item.description,
            "required": item.required,
            "is_personal": item.is_personal,
            "is_sensitive": item.is_sensitive,
            "code_list": "、".join(item.code_list or []),
            "check_rule": item.check_rule,
        }
        for item in entry.items.order_by("position")
    ]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("数据文件（CSV 或 XLSX）"), help_text=_("第一行为表头，列名与登记的数据项名称一致"))


class ProviderApiForm(forms.Form):
    url = forms.CharField(label=_("接口地址"), max_length=200)
    description = forms.CharField(label=_("接口说明"), widget=forms.Textarea(attrs={"rows": 3}))


class TriggerForm(forms.Form):
    reason = forms.CharField(label=_("变更事由"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"), choices=[("approve", _("同意")), ("return", _("不同意／退回"))], widget=forms.RadioSelect
    )
    opinion = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ApplicationForm(forms.Form):
    organization = forms.CharField(label=_("申请单位或个人"), max_length=200)
    purpose = forms.CharField(label=_("使用目的"), widget=forms.Textarea(attrs={"rows": 4}))
    contact = forms.CharField(label=_("联系方式"), max_length=100)
