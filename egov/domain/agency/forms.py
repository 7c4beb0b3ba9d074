"""Forms of the agency pages: parse and validate input only; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from egov.domain.agency.models import Level
from egov.domain.agency.selectors import DASHBOARD_SORTS, STATE_FILTERS
from egov.domain.agency.services import COMMENT_MAX, MESSAGE_MAX
from egov.kernel.accounts.models import User
from egov.kernel.orgs.models import OrgKind, OrgUnit
from egov.kernel.workflow.models import Light

STATE_LABELS = {"active": _("办理中"), "completed": _("已办结/终止"), "all": _("全部")}
SORT_LABELS = {"newest": _("最新提交"), "oldest": _("最早提交"), "due": _("到期日")}


class DashboardFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("办件状态"), required=False, choices=[(key, STATE_LABELS[key]) for key in STATE_FILTERS]
    )
    light = forms.ChoiceField(label=_("监察状态"), required=False, choices=[("", _("全部")), *Light.choices])
    number = forms.CharField(label=_("办件编号"), required=False, max_length=32)
    agent = forms.ModelChoiceField(
        label=_("代办员"), required=False, queryset=User.objects.none(), empty_label=_("全部")
    )
    sort = forms.ChoiceField(
        label=_("排序"), required=False, choices=[(key, SORT_LABELS[key]) for key in DASHBOARD_SORTS]
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, agents: QuerySet[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agents is None:
            del self.fields["agent"]
        else:
            self.fields["agent"].queryset = agents  # type: ignore[attr-defined]
            self.fields["agent"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("留言内容"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 4}), strip=True
    )


class ChaseForm(forms.Form):
    note = forms.CharField(label=_("催办说明"), required=False, max_length=500)


class ReassignForm(forms.Form):
    to_agent = forms.ModelChoiceField(label=_("改派给"), queryset=User.objects.none(), empty_label=_("请选择"))
    reason = forms.CharField(label=_("改派原因"), max_length=300)

    def __init__(self, *args: Any, agents: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_agent"]
        field.queryset = User.objects.filter(pk__in=[agent.pk for agent in agents]).order_by("real_name")  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]


class RuleForm(forms.Form):
    name = forms.CharField(label=_("规则名称"), max_length=100)
    county = forms.ModelChoiceField(
        label=_("适用地区"),
        required=False,
        queryset=OrgUnit.objects.filter(kind=OrgKind.COUNTY, is_active=True).order_by("path"),
        empty_label=_("全盟"),
    )
    theme_codes = forms.CharField(
        label=_("适用主题代码"),
        required=False,
        max_length=500,
        help_text=_("多个主题代码用逗号或空格分隔；留空表示全部主题"),
    )
    agent_unit = forms.ModelChoiceField(
        label=_("代办机构"), queryset=OrgUnit.objects.filter(is_active=True).order_by("path")
    )
    priority = forms.IntegerField(
        label=_("优先级"), min_value=0, max_value=1000, initial=100, help_text=_("数字越小越优先")
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def clean_theme_codes(self) -> list[str]:
        raw = self.cleaned_data.get("theme_codes") or ""
        return [code for code in raw.replace("，", ",").replace(",", " ").split() if code]


class EvaluationForm(forms.Form):
    level = forms.TypedChoiceField(label=_("评价等级"), coerce=int, choices=Level.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("评价内容（选填）"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("跟进情况"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class CompleteForm(forms.Form):
    result = forms.CharField(label=_("整改情况"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("月份"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
