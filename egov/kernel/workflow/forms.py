"""Forms of the staff workbench: list filters and the action forms of the case page.

Forms only parse and validate input; every rule about who may do what lives in the services.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from egov.kernel.accounts.models import User
from egov.kernel.orgs.models import OrgUnit
from egov.kernel.workflow.models import Light, ProcessDefinition, SuspensionReason, TimeUnit
from egov.kernel.workflow.policies import process_owner
from egov.kernel.workflow.selectors import SORTS

#: Outcomes offered when completing a step; the demo's exclusive gateway routes on ``outcome == "approve"``.
OUTCOMES = [("approve", _("同意")), ("disagree", _("不同意"))]
#: Words for the outcome codes that steps record (those above and the ones the demo data uses).
OUTCOME_LABELS = {
    **dict(OUTCOMES),
    "accept": _("受理"),
    "agree": _("同意"),
    "revise": _("退回修改"),
    "reject": _("不予办理"),
}

SORT_LABELS = {"due": _("按到期日"), "newest": _("最新在前"), "oldest": _("最早在前")}


class WorklistFilterForm(forms.Form):
    """GET filters of a list; an empty form means "everything, default order, first page"."""

    process = forms.ChoiceField(label=_("流程"), required=False)
    org_unit = forms.ModelChoiceField(
        label=_("机构"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("全部机构")
    )
    light = forms.ChoiceField(label=_("监察状态"), required=False, choices=[("", _("全部")), *Light.choices])
    since = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label=_("排序"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, kind: str, units: QuerySet[OrgUnit], processes: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["process"]).choices = [("", _("全部流程")), *processes]
        cast(forms.ModelChoiceField, self.fields["org_unit"]).queryset = units
        cast(forms.ChoiceField, self.fields["sort"]).choices = [(key, SORT_LABELS[key]) for key in SORTS[kind]]
        self.fields["org_unit"].error_messages["invalid_choice"] = _("请选择列表中的机构")
        self.fields["page"].error_messages["min_value"] = _("页码须为正整数")
        self.fields["page"].error_messages["invalid"] = _("页码须为正整数")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("截止日期不能早于起始日期"))
        return cleaned


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=OUTCOMES, error_messages={"required": _("请选择办理结果")})
    opinion = forms.CharField(
        label=_("办理意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReturnForm(forms.Form):
    to_step = forms.ChoiceField(label=_("退回到"), error_messages={"required": _("请选择退回的环节")})
    opinion = forms.CharField(
        label=_("退回理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("退回时请填写退回理由")},
    )

    def __init__(self, *args: Any, steps: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to_step"]).choices = steps


class TransferForm(forms.Form):
    """转办 to a person, or to a queue (a unit and a role) — exactly one of the two."""

    to_user = forms.ModelChoiceField(
        label=_("转办给人员"), queryset=User.objects.none(), required=False, empty_label=_("（不指定人员）")
    )
    to_org_unit = forms.ModelChoiceField(
        label=_("或转办给机构"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("（不指定机构）")
    )
    to_role = forms.ChoiceField(
        label=_("该机构的角色"),
        required=False,
        choices=[
            ("", _("（不指定角色）")),
            ("handler", _("业务经办人")),
            ("office_head", _("科室负责人")),
            ("leader", _("单位领导")),
        ],
    )
    opinion = forms.CharField(label=_("转办说明"), required=False, max_length=2000)

    def __init__(self, *args: Any, users: QuerySet[User], units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to_user"]).queryset = users
        cast(forms.ModelChoiceField, self.fields["to_org_unit"]).queryset = units

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        person = cleaned.get("to_user")
        queue = cleaned.get("to_org_unit") and cleaned.get("to_role")
        if bool(person) == bool(queue):
            raise forms.ValidationError(_("请选择转办的人员，或转办的机构和角色（二选一）"))
        return cleaned


class SuspendForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("暂停原因"), choices=SuspensionReason.choices, error_messages={"required": _("请选择暂停计时的原因")}
    )
    reason = forms.CharField(
        label=_("原因说明"), max_length=2000, error_messages={"required": _("请填写暂停计时的原因说明")}
    )


class ResumeForm(forms.Form):
    reason = forms.CharField(label=_("恢复说明"), required=False, max_length=2000)


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label=_("延长天数"),
        min_value=1,
        max_value=365,
        error_messages={
            "required": _("请填写延长天数"),
            "invalid": _("延长天数须为正整数"),
            "min_value": _("延长天数须为正整数"),
            "max_value": _("延长天数不能超过 365 天"),
        },
    )
    unit = forms.ChoiceField(label=_("单位"), choices=TimeUnit.choices)
    reason = forms.CharField(label=_("延期理由"), max_length=2000, error_messages={"required": _("请填写延期理由")})
    approved_by = forms.ModelChoiceField(
        label=_("批准人"),
        queryset=User.objects.none(),
        error_messages={"required": _("请选择批准人"), "invalid_choice": _("请选择列表中的批准人")},
    )

    def __init__(self, *args: Any, approvers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["approved_by"]).queryset = approvers


class StartForm(forms.Form):
    """Start a case on a published process, owned by one of the units where the person may handle cases."""

    process = forms.ChoiceField(label=_("流程"), error_messages={"required": _("请选择流程")})
    org_unit = forms.ModelChoiceField(
        label=_("主办机构"),
        queryset=OrgUnit.objects.none(),
        error_messages={"required": _("请选择主办机构"), "invalid_choice": _("请选择列表中的机构")},
    )
    title = forms.CharField(label=_("办件标题"), max_length=300, error_messages={"required": _("请填写办件标题")})
    statutory_limit = forms.IntegerField(
        label=_("法定时限（工作日）"),
        required=False,
        min_value=1,
        max_value=999,
        error_messages={"min_value": _("办理时限须为正整数天"), "invalid": _("办理时限须为正整数天")},
    )
    promised_limit = forms.IntegerField(
        label=_("承诺时限（工作日）"),
        required=False,
        min_value=1,
        max_value=999,
        error_messages={"min_value": _("办理时限须为正整数天"), "invalid": _("办理时限须为正整数天")},
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["org_unit"]).queryset = units
        cast(forms.ChoiceField, self.fields["process"]).choices = [
            (definition.key, f"{definition.name}（v{definition.version}）")
            for definition in published_definitions()
            if process_owner(definition.key) is None  # service applications start in the hall, etc.
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        statutory, promised = cleaned.get("statutory_limit"), cleaned.get("promised_limit")
        if statutory and promised and promised > statutory:
            self.add_error("promised_limit", _("承诺时限不能长于法定时限"))
        return cleaned


def published_definitions() -> list[ProcessDefinition]:
    """The newest published version of each process (what ``case_start`` would run)."""
    latest: dict[str, ProcessDefinition] = {}
    for definition in ProcessDefinition.objects.filter(is_published=True).only("key", "version", "name"):
        if definition.key not in latest or definition.version > latest[definition.key].version:
            latest[definition.key] = definition
    return sorted(latest.values(), key=lambda definition: definition.name)
